"""Site pages: thin views over the directory's selectors."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm

from directory import selectors
from directory.choices import APPLICANT_GROUP, OrganisationKind, Role
from directory.models import Organisation

from .forms import LookupForm
from .roles import ROLE_DESCRIPTIONS


class LoginView(auth_views.LoginView):
    form_class = AuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_not_required
def home(request):
    if not request.user.is_authenticated:
        # anonymous visitors: the public home (apply, register, log in, track, verify, look up)
        return render(request, "site_ui/public_home.html")
    user = request.user
    memberships = list(selectors.user_memberships(user))
    roles = selectors.user_roles(user)
    role_labels = dict(Role.choices) | {APPLICANT_GROUP: _("Applicant"), "administrator": _("Administrator")}
    cards = [
        {
            "role": role,
            "label": role_labels.get(role, role),
            "description": ROLE_DESCRIPTIONS.get(role, ""),
            "organisations": [m.organisation for m in memberships if m.role == role],
        }
        for role in roles
    ]
    return render(request, "site_ui/home.html", {"cards": cards, "roles": roles})


_LOOKUP_KINDS = {
    "centers": (OrganisationKind.AID_CENTER,),
    "offices": (OrganisationKind.GRASSROOTS_OFFICE,),
    "firms": (OrganisationKind.LAW_FIRM,),
    "notary": (OrganisationKind.NOTARY,),
    "forensic": (OrganisationKind.FORENSIC,),
}


@login_not_required
def lookup(request):
    """法律查询服务: public search of organisations and providers, professional data only."""
    form = LookupForm(request.GET or None)
    results = None
    category = "providers"
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        category = data["category"] or "providers"
        if category == "providers":
            qs = selectors.public_providers(
                region=data["region"], kind=data["kind"], q=data["q"], specialty=data["specialty"]
            )
        else:
            qs = selectors.public_organisations(
                kinds=_LOOKUP_KINDS[category], region=data["region"], q=data["q"]
            )
        results = Paginator(qs, 20).get_page(request.GET.get("page"))
    elif not form.is_bound:
        results = Paginator(selectors.public_providers(), 20).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "site_ui/lookup.html",
        {"form": form, "results": results, "category": category},
        status=status,
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
