with

source as (
    select * from {{ source('vpp', 'program_enrollments') }}
),

renamed as (
    select
        cast(enrollment_id as string) as enrollment_id,
        cast(household_id as string) as household_id,
        cast(battery_id as string) as battery_id,
        cast(program_id as string) as program_id,
        cast(enrolled_on as date) as enrolled_on,
        cast(participation_score as double) as participation_score,
        cast(seasonal_availability_band as string) as seasonal_availability_band,
        cast(opted_out_on as date) as opted_out_on
    from source
)

select * from renamed
