-- Survey respondents: answer codes as integers (NULL = not asked or not answered), the weight.
select
    load_id,
    source_file,
    wave,
    row_number,
    response_id,
    finished = 1 as is_finished,
    q1 as age,
    q2 as gender_code,
    q3 as province_code,
    columns('^q(1[0-7]|1[56]_\d)$'),
    weight
from {{ source('raw', 'survey_responses') }}
