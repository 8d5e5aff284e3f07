"""Small XLIFF 1.2, XLIFF 2.0 and TMX files of a news story, written by the tests.

Unit p1 renders "1.1 billion" as "1.1 مليون" (million) and carries an editor's note;
the other translated units are faithful. Each file also holds a unit the reader must
skip (empty source; in XLIFF 1.2 also a ``translate="no"`` unit).
"""

from __future__ import annotations

# (id, English source, Arabic target, note or None)
UNITS = [
    ("h1", "EU approves loan for Ukraine", "الاتحاد الأوروبي يوافق على قرض لأوكرانيا", None),
    (
        "p1",
        "The European Union approved a loan of 1.1 billion euros to Ukraine on Thursday.",
        "وافق الاتحاد الأوروبي يوم الخميس على قرض بقيمة 1.1 مليون يورو لأوكرانيا.",
        "Check the figure against the wire copy.",
    ),
    (
        "p2",
        "French President Emmanuel Macron spoke after a meeting in Paris.",
        "تحدث الرئيس الفرنسي إيمانويل ماكرون بعد اجتماع في باريس.",
        None,
    ),
    (
        "p3",
        "Russia launched drones at Kyiv overnight, officials said.",
        "أطلقت روسيا طائرات مسيرة على كييف خلال الليل، بحسب مسؤولين.",
        None,
    ),
]
IDS = [u[0] for u in UNITS]
NOTE = UNITS[1][3]

HYPOTHESIS = "\n".join(
    [
        "The European Union agrees to a loan for Ukraine",
        "The European Union approved on Thursday a loan of 1.1 million euros to Ukraine.",
        "French President Emmanuel Macron spoke after a meeting in Paris.",
        "Russia launched drones at Kyiv during the night, according to officials.",
    ]
) + "\n"


def xliff12_text(units=UNITS, target_language: str = "ar") -> str:
    body = []
    for uid, src, tgt, note in units:
        note_xml = f'\n        <note from="editor">{note}</note>' if note else ""
        body.append(
            f'      <trans-unit id="{uid}">\n'
            f"        <source>{src}</source>\n"
            f"        <target>{tgt}</target>{note_xml}\n"
            "      </trans-unit>"
        )
        if uid == "h1":
            body.append(
                '      <trans-unit id="empty">\n        <source> </source>\n'
                "        <target></target>\n      </trans-unit>"
            )
            body.append(
                '      <trans-unit id="brand" translate="no">\n        <source>AP</source>\n'
                "        <target>AP</target>\n      </trans-unit>"
            )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
        f'  <file original="story.txt" source-language="en-US" target-language="{target_language}" '
        'datatype="plaintext">\n'
        "    <body>\n" + "\n".join(body) + "\n    </body>\n  </file>\n</xliff>\n"
    )


def xliff20_text(units=UNITS) -> str:
    body = []
    for uid, src, tgt, note in units:
        notes = (
            f'      <notes>\n        <note category="editor">{note}</note>\n      </notes>\n'
            if note
            else ""
        )
        body.append(
            f'    <unit id="{uid}">\n{notes}      <segment>\n'
            f"        <source>{src}</source>\n        <target>{tgt}</target>\n"
            "      </segment>\n    </unit>"
        )
        if uid == "h1":
            body.append(
                '    <unit id="empty">\n      <segment>\n        <source/>\n'
                "      </segment>\n    </unit>"
            )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- written by the tadqiq tests -->\n"
        '<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" '
        'srcLang="en" trgLang="ar-SA">\n'
        '  <file id="f1" original="story.txt">\n' + "\n".join(body) + "\n  </file>\n</xliff>\n"
    )


def tmx_text(units=UNITS, en: str = "en-US", ar: str = "ar-SA") -> str:
    body = []
    for uid, src, tgt, note in units:
        note_xml = f"      <note>{note}</note>\n      <prop type=\"x-desk\">world</prop>\n" if note else ""
        body.append(
            f'    <tu tuid="{uid}">\n{note_xml}'
            f'      <tuv xml:lang="{en}"><seg>{src}</seg></tuv>\n'
            f'      <tuv xml:lang="{ar}"><seg>{tgt}</seg></tuv>\n'
            "    </tu>"
        )
        if uid == "h1":
            body.append(
                f'    <tu tuid="fr-only">\n      <tuv xml:lang="fr"><seg>Bonjour</seg></tuv>\n'
                f'      <tuv xml:lang="{ar}"><seg>مرحبا</seg></tuv>\n    </tu>'
            )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        '<tmx version="1.4">\n'
        '  <header creationtool="tadqiq-tests" creationtoolversion="1" datatype="plaintext" '
        'segtype="sentence" adminlang="en-US" srclang="en-US" o-tmf="none"/>\n'
        "  <body>\n" + "\n".join(body) + "\n  </body>\n</tmx>\n"
    )
