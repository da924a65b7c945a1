"""The dsa vocabularies both engines apply, read from the seeds (never CASE lists in code)."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration import vocabularies

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"  # the dump's `YYYY-MM-DD HH:MM:SS` (UTC)
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
BELGIUM = "BE"
CONTENT_REMOVED = "DECISION_VISIBILITY_CONTENT_REMOVED"
AUTOMATED_DETECTION_YES = "Yes"
FULLY_AUTOMATED = "AUTOMATED_DECISION_FULLY"
JSON_ARRAY_COLUMNS = ("decision_visibility", "category_addition", "category_specification", "territorial_scope")
TIMESTAMP_COLUMNS = ("application_date", "created_at", "content_date")  # content_date may be empty
REQUIRED_TIMESTAMPS = ("application_date", "created_at")


@dataclass(frozen=True)
class Vocabulary:
    keyword_priority: dict[str, int]  # category_specification code -> priority of its harm group
    category_priority: dict[str, int]  # category / category_addition code -> priority
    group_of_priority: dict[int, str]
    source_types: dict[str, str]  # source_type API key -> published source_type


def vocabulary() -> Vocabulary:
    keyword: dict[str, int] = {}
    category: dict[str, int] = {}
    groups: dict[int, str] = {}
    for row in vocabularies.dsa_harm_groups():
        priority = int(row["priority"])
        groups[priority] = row["harm_group"]
        (keyword if row["field"] == "keyword" else category)[row["code"]] = priority
    source_types = vocabularies.dsa_source_types()
    if sorted(groups) != list(range(1, len(groups) + 1)):
        raise ValueError("seeds/dsa_harm_groups.csv: priorities must run 1, 2, 3... (one per harm group)")
    return Vocabulary(keyword, category, groups, source_types)
