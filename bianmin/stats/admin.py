from django.contrib import admin

from bianmin.stats.models import AssessmentWeights


@admin.register(AssessmentWeights)
class AssessmentWeightsAdmin(admin.ModelAdmin):
    list_display = ("county", "volume", "volume_cap", "on_time", "satisfaction", "rectified", "updated_at")
