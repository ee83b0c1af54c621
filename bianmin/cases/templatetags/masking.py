"""The one masking rule (bianmin.cases.validators) for templates: {% load masking %} {{ phone|mask_phone }}."""

from django import template

from bianmin.cases.validators import mask_id_number, mask_phone

register = template.Library()
register.filter("mask_phone", mask_phone)
register.filter("mask_id_number", mask_id_number)
