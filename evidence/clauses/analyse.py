"""Analyse: DPP-ANA-1 (search and correlate in place) and DPP-ANA-2 (procedures per service),
graded on the catalogue, workgroup and saved queries the assembly holds."""
from __future__ import annotations

from evidence.checks import case
from evidence.clauses.registry import grades
from evidence.facts import Facts, where
from evidence.grading import Finding


@grades("DPP-ANA-1")
def search_in_place(f: Facts) -> Finding:
    found = Finding()  # no test queries a catalogue yet: tables alone would still grade not met
    tables = f.of_type("AWS::Glue::Table")
    workgroups = [w for w in f.of_type("AWS::Athena::WorkGroup") if "EncryptionConfiguration" in str(w.properties)]
    queries = f.of_type("AWS::Athena::NamedQuery")
    what = ("Glue tables over every archive prefix (CloudTrail, flow logs, DNS, Config, findings) across accounts and regions, an Athena "
            "workgroup with KMS-encrypted results, and a saved query per alarm and route of the plan")
    if not tables:
        found.answer = what
        return found
    found.controls.append(f"catalogued tables: {where(tables)}")
    if not workgroups:
        found.gaps.append("no query workgroup with encrypted results")
    if not queries:
        found.gaps.append("no saved query per alarm or investigation")
    return found


@grades("DPP-ANA-2")
def procedures(f: Facts) -> Finding:
    found = Finding(checks=[case("tests/synth/test_evidence.py::test_the_plan_names_contacts_channels_and_every_alarm_and_route")])
    plan = f.generated("incident-response-plan.md")
    if not plan:
        found.answer = "procedures to access, review, offload and rotate the logs of every service, generated at synth from what is deployed"
        return found
    found.controls.append("the generated plan says how to read the archive (reader role), validate the trail and start each alarm's investigation")
    found.gaps.append("no generated procedure per service to review, offload and rotate its logs (the README's hand-written 'Reading the logs' covers access only)")
    return found
