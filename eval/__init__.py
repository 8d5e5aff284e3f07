"""Everything after translation: documents, segmentation, alignment, scores, flags, reports.

Nothing in this package imports torch or transformers.
"""
