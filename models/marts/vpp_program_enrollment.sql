with

enrollments as (
    select * from {{ ref('stg_vpp__program_enrollments') }}
),

programs as (
    select * from {{ ref('vpp_programs') }}
),

pack as (
    select pack_end_date from {{ ref('stg_pack__manifests') }}
),

final as (
    select
        enrollments.enrollment_id,
        enrollments.household_id,
        programs.program_name,
        programs.market_type,
        enrollments.enrolled_on as enrollment_date,
        coalesce(enrollments.opted_out_on < pack.pack_end_date, false) as opt_out_flag,
        enrollments.participation_score,
        enrollments.seasonal_availability_band
    from enrollments
    inner join programs on enrollments.program_id = programs.program_id
    cross join pack
)

select * from final
