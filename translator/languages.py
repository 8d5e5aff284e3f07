"""Multilingual models (NLLB, M2M100, mBART): which need language codes, and a code's token.

Such a model is told the source language on its tokenizer and the target language by a
forced first target token; :func:`language_id` finds that token in a transformers
tokenizer. Shared by the hf and CTranslate2 backends (and :func:`translator.links.unlinked_ids`,
since language codes stand for no word).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MULTILINGUAL_MODEL_TYPES", "language_id"]

#: transformers ``model_type`` values that need src_lang/tgt_lang and a forced first target token.
MULTILINGUAL_MODEL_TYPES = ("m2m_100", "nllb-moe", "mbart")


def language_id(tokenizer: Any, code: str) -> int | None:
    """The token id of a language code, or None if the tokenizer does not know it."""
    if hasattr(tokenizer, "get_lang_id"):  # M2M100: 'en' → '__en__'
        try:
            return int(tokenizer.get_lang_id(code))
        except KeyError:
            return None
    token_id = tokenizer.convert_tokens_to_ids(code)  # NLLB, mBART: the code is the token
    if token_id is None or token_id == tokenizer.unk_token_id:
        return None
    return int(token_id)
