{#- Layers land in schemas named after them (staging, intermediate, marts, reference),
    not <target>_<layer>, so the pack's tables read as marts.households. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
