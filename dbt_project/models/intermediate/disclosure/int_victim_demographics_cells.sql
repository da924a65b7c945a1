-- victim_demographics_quarterly before suppression: cases by opening quarter, with the `all` member of source,
-- incident type, gender and age band (sums: each case has one of each).
select opened_quarter as quarter,
       case when grouping(source) = 1 then 'all' else source end as source,
       case when grouping(incident_type) = 1 then 'all' else incident_type end as incident_type,
       case when grouping(victim_gender) = 1 then 'all' else victim_gender end as victim_gender,
       case when grouping(victim_age_band) = 1 then 'all' else victim_age_band end as victim_age_band,
       count(*) as cases
from {{ ref('int_cases') }}
group by opened_quarter, cube(source, incident_type, victim_gender, victim_age_band)
