"""Cases (办件): intake, the lifecycle, the statutory clock, documents, timeline and public tracking."""
