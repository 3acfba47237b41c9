"""Analyse: DPP-ANA-1 (search and correlate in place) and DPP-ANA-2 (procedures per service),
graded on the catalogue, workgroup and saved queries the assembly holds."""

from __future__ import annotations

from evidence.checks import case
from evidence.clauses.registry import grades
from evidence.facts import Facts, where
from evidence.grading import Finding


@grades("DPP-ANA-1")
def search_in_place(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/investigation/test_saved_queries.py::test_saved_query_returns_what_the_investigation_needs"),
            case("tests/investigation/test_saved_queries.py::test_every_alarm_and_route_has_a_query"),
            case("tests/investigation/test_saved_queries.py::test_every_table_has_sample_objects_under_its_template"),
            case("tests/investigation/test_insights_queries.py::test_insights_query_parses_and_its_fields_exist"),
            case("tests/investigation/test_insights_queries.py::test_every_query_is_deployed_where_its_data_is"),
            case("tests/access/test_access_paths.py::test_every_path_is_decided_as_aws_would"),
        ]
    )
    tables = f.of_type("AWS::Glue::Table")
    workgroups = [w for w in f.of_type("AWS::Athena::WorkGroup") if "EncryptionConfiguration" in str(w.properties)]
    queries = f.of_type("AWS::Athena::NamedQuery")
    what = (
        "Glue tables over every archive prefix (CloudTrail, flow logs, DNS, Config, findings) across accounts and regions, an Athena "
        "workgroup with KMS-encrypted results, and a saved query per alarm and route of the plan"
    )
    if not tables:
        return found.needs(what)
    projected = [t for t in tables if "storage.location.template" in str(t.properties)]
    found.controls.append(f"catalogued tables with partition projection over every archive prefix ({len(projected)} of {len(tables)}): {where(tables)}")
    if len(projected) < len(tables):
        found.gaps.append("tables without partition projection need partition maintenance")
    if workgroups:
        enforced = [w for w in workgroups if "EnforceWorkGroupConfiguration': True" in str(w.properties) and "BytesScannedCutoffPerQuery" in str(w.properties)]
        found.controls.append(f"Athena workgroup with KMS-encrypted results, enforced settings and a per-query scan limit: {where(enforced or workgroups)}")
    else:
        found.gaps.append("no query workgroup with encrypted results")
    if queries:
        found.controls.append(
            f"{len(queries)} saved Athena queries, one or more per alarm and route, run on sample objects in the tests; "
            f"{len(f.of_type('AWS::Logs::QueryDefinition'))} Logs Insights definitions on the trail's log groups"
        )
    else:
        found.gaps.append("no saved query per alarm or investigation")
    return found


@grades("DPP-ANA-2")
def procedures(f: Facts) -> Finding:
    found = Finding(checks=[case("tests/synth/test_evidence.py::test_the_plan_names_contacts_channels_and_every_alarm_and_route")])
    plan = f.generated("incident-response-plan.md")
    if not plan:
        return found.needs("procedures to access, review, offload and rotate the logs of every service, generated at synth from what is deployed")
    found.controls.append("the generated plan says how to read the archive (reader role), validate the trail and start each alarm's investigation")
    found.gaps.append("no generated procedure per service to review, offload and rotate its logs (the README's hand-written 'Reading the logs' covers access only)")
    return found
