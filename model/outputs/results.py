"""The results bundle: what a sewerplan run hands to the reports.

The demo (and any user workflow) writes one JSON file with everything a council briefing
or a public-hearing handout needs; the reports read nothing else. The schema is written
down in ``docs/reports.md``; this module names its executable form, split by what each part
assembles (issue 22): :mod:`.bundle` (the bundle, JSON in and out), :mod:`.bundle_parts`
(metadata, flows, districts, capacity, baselines, attachments), :mod:`.bundle_json` (typed
construction from untrusted JSON), :mod:`.decision_section` (the sizing decision),
:mod:`.scenario_section`, :mod:`.finance_section`, :mod:`.briefing_section`,
:mod:`.local_loads_section` (the optional parts) and :mod:`.example` (the synthetic example).

All flows are in [m3/d]. Day-average, day-max and hour-max are all expressed as daily
rates in [m3/d] (hour-max = hourly peak flow x 24), so they can be compared directly.
Money is in [KRW].

Public API
----------
- :class:`ResultsBundle` and its parts (:class:`Metadata`, :class:`ModelCard`,
  :class:`ParameterUsed`, :class:`Flows`, :class:`DistrictComparison`,
  :class:`DistrictForecast`, :class:`CapacityRecommendation`, the baselines' breakdown
  :class:`Baseline` / :class:`BaselineTerm`, the computed sizing :class:`Decision` /
  :class:`DecisionRow`, :class:`Attachment`, and the optional planning-scenario part
  :class:`ScenarioSection` / :class:`ScenarioCapacityYear`),
- :func:`decision_for` computes the decision from the bundle's capacities (the reports call it,
  so an edited capacity changes the wording),
- :func:`scenario_section_from_result` turns a scenario run
  (:func:`sewerplan.model.planning.scenario_run.run_scenario`) into a :class:`ScenarioSection`,
- ``ResultsBundle.to_json(path)`` / ``ResultsBundle.from_json(path)`` /
  ``ResultsBundle.from_dict(d)`` with schema validation,
- :func:`example_bundle` builds a small, realistic, clearly synthetic bundle for tests.
"""

from __future__ import annotations

from ..errors import ResultsBundleError
from .briefing_section import BriefingSection, ScheduleStep
from .bundle import MAX_BUNDLE_BYTES, SCHEMA, ResultsBundle
from .bundle_json import MAX_FLOW_M3_PER_DAY, MAX_NUMBER, MAX_WHOLE_NUMBER, SIGNED_FIELDS
from .bundle_parts import (MAX_ATTACHMENT_BYTES, METHODS, Attachment, Baseline, BaselineTerm, CapacityRecommendation,
                           DistrictComparison, DistrictForecast, Flows, Metadata, ModelCard, NewestCheck,
                           ParameterUsed)
from .decision_section import Decision, DecisionRow, decision_for
from .example import EXAMPLE_MONEY_INPUTS, example_briefing_section, example_bundle
from .finance_section import FinanceHeadline, FinanceSection
from .local_loads_section import LocalLoadRow, LocalLoadsFlows, LocalLoadsSection
from .scenario_section import ScenarioCapacityYear, ScenarioSection, example_scenario_section, scenario_section_from_result

__all__ = [
    "SCHEMA", "METHODS", "SIGNED_FIELDS", "MAX_BUNDLE_BYTES", "MAX_ATTACHMENT_BYTES", "MAX_NUMBER",
    "MAX_FLOW_M3_PER_DAY", "MAX_WHOLE_NUMBER", "ResultsBundleError", "ParameterUsed", "ModelCard", "NewestCheck", "Metadata",
    "Flows", "DistrictComparison", "DistrictForecast", "CapacityRecommendation", "BaselineTerm", "Baseline",
    "DecisionRow", "Decision", "decision_for", "Attachment", "ScenarioCapacityYear", "ScenarioSection",
    "ResultsBundle", "scenario_section_from_result", "example_scenario_section", "example_bundle",
    "example_briefing_section", "LocalLoadRow", "LocalLoadsFlows", "LocalLoadsSection", "FinanceSection",
    "FinanceHeadline", "EXAMPLE_MONEY_INPUTS", "BriefingSection", "ScheduleStep",
]
