with

source as (
    select * from {{ source('pack', 'manifests') }}
),

renamed as (
    select
        cast(config.pack as string) as pack_name,
        cast(config.households as integer) as households,
        cast(config.months as integer) as months,
        cast(config.seed as bigint) as seed,
        cast(config.start_date as date) as pack_start_date,
        cast(config.end_date as date) as pack_end_date,
        cast(generator_version as string) as generator_version
    from source
)

select * from renamed
