from __future__ import annotations

from django.db.models import Q, QuerySet

from directory.models import Organisation


def organisations_matching(*, query: str) -> QuerySet[Organisation]:
    """Organisations whose name, ODS code or postcode contains the query."""
    query = query.strip()
    organisations = Organisation.objects.all()
    if query:
        compact = query.replace(" ", "").upper()
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(ods_code__iexact=compact) | Q(postcode__icontains=query)
        )
    return organisations.order_by("name")
