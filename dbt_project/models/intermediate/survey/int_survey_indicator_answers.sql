-- One row per finished respondent and codebook indicator: is the respondent in the indicator's
-- base, and do they count as yes. Every rule comes from the codebook and skip-logic seeds:
--   population: everyone, or those whose population_variable is in population_codes;
--   single-choice: asked but left empty -> outside the base; not asked (skip logic) -> a no;
--   multi-select option: in the base when asked; empty -> not selected (a no).
with respondents as (
    select
        responses.wave,
        responses.response_id,
        responses.weight,
        {{ canonical('survey', 'q2', 'responses.gender_code::varchar') }} as gender,
        coalesce(bands.age_band, 'unknown') as age_band,
        {{ canonical('survey', 'q3', 'responses.province_code::varchar') }} as region
    from {{ ref('stg_survey__responses') }} as responses
    left join {{ ref('age_bands') }} as bands on responses.age between bands.min_age and bands.max_age
    where responses.is_finished
),

answers as (
    unpivot (
        select wave, response_id, columns('^q\d')::varchar from {{ ref('stg_survey__responses') }} where is_finished
    )
    on columns('^q\d')
    into name variable value answer
),

codebook as (
    select codebook.*, skip.asked_if_variable, skip.asked_if_codes
    from {{ ref('survey_codebook') }} as codebook
    left join {{ ref('survey_skip_logic') }} as skip using (variable)
),

joined as (
    select
        r.*,
        cb.indicator,
        cb.base,
        cb.kind,
        a.answer,
        cb.population_variable is null
        or list_contains(string_split(cb.population_codes, '|'), p.answer) as in_population,
        cb.asked_if_variable is null or list_contains(string_split(cb.asked_if_codes, '|'), s.answer) as is_asked,
        list_contains(string_split(cb.yes_codes, '|'), a.answer) as answered_yes
    from respondents as r
    cross join codebook as cb
    left join answers as a on a.wave = r.wave and a.response_id = r.response_id and a.variable = cb.variable
    left join answers as p on p.wave = r.wave and p.response_id = r.response_id and p.variable = cb.population_variable
    left join answers as s on s.wave = r.wave and s.response_id = r.response_id and s.variable = cb.asked_if_variable
)

select
    wave,
    response_id,
    weight,
    gender,
    age_band,
    region,
    indicator,
    base,
    coalesce(in_population, false)
        and case when kind = 'multi' then coalesce(is_asked, false)
                 else answer is not null or not coalesce(is_asked, false) end as in_base,
    coalesce(answered_yes, false) as is_yes
from joined
