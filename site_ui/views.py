"""Site pages: thin views over the directory's selectors."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from viewflow.contrib.auth import AuthenticationForm

from directory import selectors
from directory.choices import OrganisationKind
from directory.models import Organisation

from . import roles
from .forms import LookupForm


class LoginView(auth_views.LoginView):
    form_class = AuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_not_required
def home(request):
    """A signed-in user's home: a card per role, saying what it does here and linking to it."""
    if not request.user.is_authenticated:
        # anonymous visitors: the public home (apply, register, log in, track, verify, look up)
        return render(request, "site_ui/public_home.html")
    return render(request, "site_ui/home.html", {"cards": roles.home_cards(request)})


_LOOKUP_KINDS = {
    "centers": (OrganisationKind.AID_CENTER,),
    "offices": (OrganisationKind.GRASSROOTS_OFFICE,),
    "firms": (OrganisationKind.LAW_FIRM,),
    "notary": (OrganisationKind.NOTARY,),
    "forensic": (OrganisationKind.FORENSIC,),
}


def _with_category(query):
    """The query with its category filled in: without one the page lists lawyers and legal service
    workers, and its category list must say so rather than show its first entry."""
    if query.get("category"):
        return query
    query = query.copy()
    query["category"] = "providers"
    return query


@login_not_required
def lookup(request):
    """法律查询服务: public search of organisations and providers, professional data only."""
    form = LookupForm(_with_category(request.GET))
    if not form.is_valid():
        return render(request, "site_ui/lookup.html", {"form": form, "results": None}, status=400)
    data = form.cleaned_data
    category = data["category"]
    if category == "providers":
        qs = selectors.public_providers(
            region=data["region"], kind=data["kind"], q=data["q"], specialty=data["specialty"]
        )
    else:
        qs = selectors.public_organisations(kinds=_LOOKUP_KINDS[category], region=data["region"], q=data["q"])
    results = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "site_ui/lookup.html",
        {"form": form, "results": results, "category": category},
    )


def organisation_detail(request, pk: int):
    """An organisation's internal record and members, for those who may see it; else 404."""
    try:
        organisation = selectors.organisation_internal_get(user=request.user, pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    members = selectors.organisation_members(organisation)
    providers = organisation.providers.filter(active=True).prefetch_related("specialties")
    return render(
        request,
        "site_ui/organisation_detail.html",
        {"organisation": organisation, "members": members, "providers": providers},
    )
