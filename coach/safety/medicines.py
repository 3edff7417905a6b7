"""Medicine names a diary note may mention: the kinds CONTENT.md links to night cramps.

The list exists so that a note like "started simvastatin" or "new water tablet" is noticed
(CONTENT.md: generic names matter more than "new medicine"). It is for recognising a
note, never for advice: the app suggests a pharmacist review and never stopping anything.

Maintained by hand. Each entry: a lower-case name (generic or a common brand) -> the kind
of medicine, in words a user knows. Sources for the kinds: Garrison et al., Arch Intern
Med 2012; Allen & Kirby, Am Fam Physician 2012 (see CONTENT.md).
"""

from __future__ import annotations

from functools import lru_cache

STATIN = "a statin"
DIURETIC = "a water tablet (diuretic)"
INHALER = "a long-acting inhaler"
BLOOD_PRESSURE = "a blood-pressure medicine"
OTHER = "a medicine linked to cramps"
MEDICINE = "a medicine"

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
        "cholesterol tablet",
        "cholesterol tablets",
        "cholesterol pill",
        "cholesterol pills",
        "cholesterol medicine",
        "cholesterol medication",
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
        "burinex",
        "diuretic",
        "diuretics",
        "water tablet",
        "water tablets",
        "water pill",
        "water pills",
        "tablet for water retention",
        "tablets for water retention",
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
        "wixela",
        "dulera",
        "duaklir",
        "anoro",
        "ultibro",
        "spiolto",
        "striverdi",
        "onbrez",
        "oxis",
        "foradil",
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
        "metoprolol",
        "propranolol",
        "carvedilol",
        "nebivolol",
        "lercanidipine",
        "diltiazem",
        "verapamil",
        "olmesartan",
        "telmisartan",
        "norvasc",
        "zestril",
        "cozaar",
        "diovan",
        "tritace",
        "blood pressure tablet",
        "blood pressure tablets",
        "blood pressure pill",
        "blood pressure pills",
        "blood pressure medicine",
        "blood pressure medication",
        "blood pressure meds",
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
        "iron sucrose",
        "iron infusion",
        "conjugated oestrogens",
        "hrt",
        "hormone replacement",
    ),
    MEDICINE: (
        # Not linked to cramps in CONTENT.md's sources, but "cramps began after starting a
        # new medicine" is a red flag whatever the medicine: common ones in older adults.
        "metformin",
        "gliclazide",
        "sitagliptin",
        "empagliflozin",
        "dapagliflozin",
        "canagliflozin",
        "insulin",
        "levothyroxine",
        "thyroxine",
        "omeprazole",
        "lansoprazole",
        "pantoprazole",
        "esomeprazole",
        "ranitidine",
        "famotidine",
        "gabapentin",
        "pregabalin",
        "amitriptyline",
        "nortriptyline",
        "sertraline",
        "citalopram",
        "escitalopram",
        "fluoxetine",
        "mirtazapine",
        "venlafaxine",
        "duloxetine",
        "warfarin",
        "apixaban",
        "rivaroxaban",
        "edoxaban",
        "dabigatran",
        "clopidogrel",
        "aspirin",
        "digoxin",
        "amiodarone",
        "ezetimibe",
        "prednisolone",
        "prednisone",
        "tamsulosin",
        "finasteride",
        "allopurinol",
        "colchicine",
        "alendronate",
        "alendronic",
        "risedronate",
        "denosumab",
        "donepezil",
        "memantine",
        "lithium",
        "zopiclone",
        "tramadol",
        "codeine",
        "morphine",
        "oxycodone",
        "ibuprofen",
        "diclofenac",
        "celecoxib",
        "salbutamol",
        "ventolin",
        "tiotropium",
        "spiriva",
        "montelukast",
        "cimetidine",
        "antibiotic",
        "antibiotics",
        "steroid",
        "steroids",
        "antidepressant",
        "antidepressants",
        "blood thinner",
        "blood thinners",
        "painkiller",
        "painkillers",
        "inhaler",
        "inhalers",
    ),
}

MEDICINES: dict[str, str] = {name: group for group, names in _GROUPS.items() for name in names}
"""Name -> kind of medicine (a name may be several words: "water tablet")."""

PHRASES: dict[str, str] = {name: kind for name, kind in MEDICINES.items() if " " in name}
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
        "patch",
        "patches",
        "dose",
        "capsule",
        "capsules",
    }
)
"""Words for "a medicine" in general: a signal only with a word like "new" or "started"."""

SUFFIXES: dict[str, str] = {
    "statin": STATIN,
    "thiazide": DIURETIC,
    "semide": DIURETIC,
    "pril": BLOOD_PRESSURE,
    "sartan": BLOOD_PRESSURE,
    "olol": BLOOD_PRESSURE,
    "dipine": BLOOD_PRESSURE,
    "prazole": MEDICINE,
    "gliflozin": MEDICINE,
    "gliptin": MEDICINE,
    "oxetine": MEDICINE,
    "xaban": MEDICINE,
    "dronate": MEDICINE,
    "terol": INHALER,
    "mycin": MEDICINE,
    "cillin": MEDICINE,
}
"""Endings of generic names, for a medicine the list does not hold ("started fosinopril")."""


@lru_cache(maxsize=4096)
def kind_of(name: str) -> str | None:
    """The kind of medicine a name (or a word ending like a generic name) is, or None."""
    kind = MEDICINES.get(name)
    if kind is not None:
        return kind
    for ending, suffix_kind in SUFFIXES.items():
        if name.endswith(ending) and len(name) > len(ending) + 2:
            return suffix_kind
    return None
