-- Install milestones happen in order (signed <= permit ready <= install <= PTO), a later milestone never
-- exists without the earlier ones, and a cancelled project never reaches PTO.
select *
from {{ ref('installation_pipeline') }}
where
    permit_ready_date < signed_date
    or install_date < permit_ready_date
    or pto_date < install_date
    or (install_date is not null and permit_ready_date is null)
    or (pto_date is not null and install_date is null)
    or (cancellation_flag and pto_date is not null)
