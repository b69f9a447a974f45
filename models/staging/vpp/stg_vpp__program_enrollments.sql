with

source as (
    select * from {{ source('vpp', 'program_enrollments') }}
),

renamed as (
    select
        cast(enrollment_id as varchar) as enrollment_id,
        cast(household_id as varchar) as household_id,
        cast(battery_id as varchar) as battery_id,
        cast(program_id as varchar) as program_id,
        cast(enrolled_on as date) as enrolled_on,
        cast(participation_score as double) as participation_score,
        cast(seasonal_availability_band as varchar) as seasonal_availability_band,
        cast(opted_out_on as date) as opted_out_on
    from source
)

select * from renamed
