"""Optional sections of the chapter, one module each (sensitivity, multigroup, audit, …).

A section module defines

``NAME``      the key under which its context reaches the templates (``{{ sections.<NAME> }}``),
``TITLE``     its heading (without the number),
``TEMPLATE``  its partial under ``templates/partials/``,
``PLACE``     ``"body"`` (numbered sections after the core ones) or ``"appendix"``,
``build(results, study, labels) -> dict | None``
              its context from the results files (read by name: the names the stage added to
              ``REPORT_INPUTS`` in its ``rules/*.smk``); ``None`` when its files are absent, and
              the section is then left out of the chapter.

The order of :data:`MODULES` is the order of the sections in the chapter. The report never calls
estimation code: a section only rearranges what its stage wrote.
"""
from __future__ import annotations

import importlib

MODULES: list[str] = [
    # add a module name here (clusterup.report.sections.<name>) to place its section in the chapter
    "control_variables", "competing_models", "common_method", "sobel_aroian", "group_differences",
    "sensitivity", "multigroup", "power",
    "audit",
]


def load_sections() -> list:
    return [importlib.import_module(f"clusterup.report.sections.{m}") for m in MODULES]


def build_sections(results: dict, study, labels: dict[str, str], first_number: int) -> tuple[dict, list[dict]]:
    """Context of every optional section present, and the list the templates iterate over
    (``name``, ``title``, ``template``, ``place``, ``number`` for body sections)."""
    contexts: dict = {}
    order: list[dict] = []
    number = first_number
    for mod in load_sections():
        ctx = mod.build(results, study, labels)
        if ctx is None:
            continue
        contexts[mod.NAME] = ctx
        entry = {"name": mod.NAME, "title": mod.TITLE, "template": f"partials/{mod.TEMPLATE}",
                 "place": getattr(mod, "PLACE", "body"), "number": None}
        if entry["place"] == "body":
            entry["number"] = number
            number += 1
        order.append(entry)
    return contexts, order
