"""Medicine names a diary note may mention: the kinds CONTENT.md links to night cramps.

The list exists so that a note like "started simvastatin" or "new water tablet" is noticed
(CONTENT.md: generic names matter more than "new medicine"). It is for recognising a
note, never for advice: the app suggests a pharmacist review and never stopping anything.

Maintained by hand. Each entry: a lower-case name (generic or a common brand) -> the kind
of medicine, in words a user knows. Sources for the kinds: Garrison et al., Arch Intern
Med 2012; Allen & Kirby, Am Fam Physician 2012 (see CONTENT.md).
"""

from __future__ import annotations

STATIN = "a statin"
DIURETIC = "a water tablet (diuretic)"
INHALER = "a long-acting inhaler"
BLOOD_PRESSURE = "a blood-pressure medicine"
OTHER = "a medicine linked to cramps"

_GROUPS: dict[str, tuple[str, ...]] = {
    STATIN: (
        "atorvastatin",
        "simvastatin",
        "rosuvastatin",
        "pravastatin",
        "fluvastatin",
        "lovastatin",
        "pitavastatin",
        "lipitor",
        "zocor",
        "crestor",
        "pravachol",
        "lescol",
        "livalo",
        "statin",
        "statins",
    ),
    DIURETIC: (
        # thiazide-type
        "hydrochlorothiazide",
        "bendroflumethiazide",
        "chlorthalidone",
        "chlortalidone",
        "indapamide",
        "metolazone",
        "microzide",
        "natrilix",
        # potassium-sparing
        "spironolactone",
        "eplerenone",
        "amiloride",
        "triamterene",
        "aldactone",
        "inspra",
        "dyazide",
        "maxzide",
        # loop
        "furosemide",
        "frusemide",
        "bumetanide",
        "torasemide",
        "torsemide",
        "lasix",
        "diuretic",
        "diuretics",
    ),
    INHALER: (
        "salmeterol",
        "formoterol",
        "vilanterol",
        "indacaterol",
        "olodaterol",
        "serevent",
        "seretide",
        "advair",
        "symbicort",
        "fostair",
        "relvar",
        "breo",
        "trelegy",
    ),
    BLOOD_PRESSURE: (
        "amlodipine",
        "nifedipine",
        "felodipine",
        "lisinopril",
        "ramipril",
        "enalapril",
        "perindopril",
        "losartan",
        "candesartan",
        "valsartan",
        "irbesartan",
        "bisoprolol",
        "atenolol",
        "doxazosin",
    ),
    OTHER: (
        "venofer",
        "premarin",
        "raloxifene",
        "evista",
        "naproxen",
        "naprosyn",
        "aleve",
        "teriparatide",
        "forteo",
        "forsteo",
    ),
}

MEDICINES: dict[str, str] = {name: group for group, names in _GROUPS.items() for name in names}
"""Name -> kind of medicine."""

PHRASES: dict[str, str] = {
    "water tablet": DIURETIC,
    "water tablets": DIURETIC,
    "water pill": DIURETIC,
    "water pills": DIURETIC,
    "iron sucrose": OTHER,
    "iron infusion": OTHER,
    "conjugated oestrogens": OTHER,
    "conjugated estrogens": OTHER,
    "blood pressure tablet": BLOOD_PRESSURE,
    "blood pressure tablets": BLOOD_PRESSURE,
    "blood pressure pill": BLOOD_PRESSURE,
    "blood pressure pills": BLOOD_PRESSURE,
    "blood pressure medicine": BLOOD_PRESSURE,
    "blood pressure medication": BLOOD_PRESSURE,
    "inhaler": "an inhaler",
}
"""Several-word names and plain words for a kind of medicine."""

GENERIC_WORDS: frozenset[str] = frozenset(
    {
        "medicine",
        "medicines",
        "medication",
        "medications",
        "meds",
        "pill",
        "pills",
        "tablet",
        "tablets",
        "drug",
        "drugs",
        "prescription",
        "injection",
        "injections",
    }
)
"""Words for "a medicine" in general: a signal only with a word like "new" or "started"."""
