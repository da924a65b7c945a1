{#
  Incremental intermediate models (int_cases, int_case_platforms, int_takedown_requests).

  What is new. Every row of these tables carries `loaded_at`, the time its version's export file was
  committed to the raw layer (raw.load_ledger). A run processes only the keys (case_key, request_id)
  that appear in a load newer than the newest `loaded_at` the table already holds, recomputes the
  latest version of just those keys from every raw row they have (so a late-landing older export never
  wins over a newer one) and replaces their rows (delete+insert on the key). Taking the newest
  `loaded_at` a table holds as the watermark can only under-estimate what was processed: at worst a
  key is recomputed twice, never skipped.

  When everything is rebuilt. The table's comment records a fingerprint of what it was built from:
  its own SQL, the SQL of every model upstream of it, the seeds upstream of it (platform aliases,
  code map, age bands) and the project macros those models call (canonical, platform_name, ...).
  When the current fingerprint differs (a seed or taxonomy changed, a model or macro was edited, or
  the table has no fingerprint yet) the table is rebuilt whole, as with `dbt build --full-refresh`.
#}

{# dbt's own rule (a model's `full_refresh` config, then the --full-refresh flag), plus the fingerprint
   check for incremental models. Overrides dbt's built-in macro of the same name. #}
{% macro should_full_refresh() %}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is not none -%}
        {{ return(configured) }}
    {%- endif -%}
    {%- if flags.FULL_REFRESH -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if execute and model.config.materialized == 'incremental' -%}
        {{ return(built_fingerprint(this) != fingerprint_comment(model)) }}
    {%- endif -%}
    {{ return(false) }}
{% endmacro %}


{# The comment a table built from the current code and seeds carries. #}
{% macro fingerprint_comment(node) -%}
    {{ return('incremental fingerprint ' ~ incremental_fingerprint(node)) }}
{%- endmacro %}


{# The comment the existing table carries; none when there is no such table. #}
{% macro built_fingerprint(relation) -%}
    {%- set found = run_query(
        "select comment from duckdb_tables() where database_name = '" ~ relation.database
        ~ "' and schema_name = '" ~ relation.schema ~ "' and table_name = '" ~ relation.identifier ~ "'") -%}
    {{ return(found.rows[0][0] if found.rows | length > 0 else none) }}
{%- endmacro %}


{# Post-hook of the incremental models: remember what this table was built from. #}
{% macro record_fingerprint() -%}
    comment on table {{ this }} is '{{ fingerprint_comment(model) }}'
{%- endmacro %}


{# MD5 over the checksums of the node and everything upstream of it (models, seeds) and over the text
   of the project macros they call, directly or through other macros. #}
{% macro incremental_fingerprint(node) -%}
    {%- if not execute -%}
        {{ return('') }}  {#- parsing: there is no graph yet -#}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- set nodes = [node.unique_id] -%}
    {%- set macros = [] -%}
    {%- for unique_id in nodes -%}  {#- the list grows while it is walked: a breadth-first walk upstream -#}
        {%- set upstream = graph.nodes.get(unique_id) -%}
        {%- if upstream is not none -%}
            {%- do parts.append(unique_id ~ '=' ~ upstream.checksum.checksum) -%}
            {%- for parent in upstream.depends_on.nodes if parent not in nodes -%}
                {%- do nodes.append(parent) -%}
            {%- endfor -%}
            {%- for name in upstream.depends_on.macros if name not in macros -%}
                {%- do macros.append(name) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set namespace = context[project_name] -%}
    {%- for unique_id in macros -%}
        {%- set package, name = unique_id.split('.')[1], unique_id.split('.')[2] -%}
        {%- if package == project_name -%}
            {%- set definition = namespace[name].macro -%}
            {%- if definition.macro_sql is not string -%}
                {{ exceptions.raise_compiler_error(
                    "incremental_fingerprint: cannot read the text of macro " ~ unique_id) }}
            {%- endif -%}
            {%- do parts.append(unique_id ~ '=' ~ local_md5(definition.macro_sql)) -%}
            {%- for inner in definition.depends_on.macros if inner not in macros -%}
                {%- do macros.append(inner) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(parts | sort | join('\n'))) }}
{%- endmacro %}


{# When this dbt run started: every row an incremental model writes carries it (`built_at`), so the data
   tests of these models can read only the rows written since the last publication (dbt_project.yml). #}
{% macro built_at() -%}
    '{{ run_started_at.isoformat() }}'::timestamptz
{%- endmacro %}
