from django.contrib.auth import views as auth_views
from django.urls import path

from . import (
    account_views,
    collaboration_views,
    complaint_views,
    consultation_views,
    duty_report_views,
    duty_views,
    objection_views,
    peer_review_views,
    quality_views,
    views,
)
from . import application_views as av
from . import forwarding_views as fv
from . import handling_views as hv
from . import ledger_views as lv
from . import notification_views as nv
from . import service_log_views as slv
from . import statistics_views as sv
from . import transfer_views as tv
from . import waiver_views as wv

urlpatterns = [
    path(
        "duty/firms/<int:pk>/report.<str:fmt>",
        duty_report_views.firm_report,
        name="duty_firm_report",
    ),
    path(
        "duty/lawyers/<int:pk>/certificate.pdf",
        duty_report_views.lawyer_certificate,
        name="duty_lawyer_certificate",
    ),
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", account_views.register, name="register"),
    path("lookup/", views.lookup, name="lookup"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("apply/", av.apply, name="apply"),
    path("apply/preview/", av.apply_preview, name="apply_preview"),
    path("my/applications/", av.my_applications, name="my_applications"),
    path("applications/<int:pk>/", av.application_detail, name="application_detail"),
    path("applications/<int:pk>/transfer/", tv.application_transfer, name="application_transfer"),
    path(
        "applications/<int:pk>/materials/<int:upload_pk>/",
        av.application_material,
        name="application_material",
    ),
    path("my/cases/", hv.my_cases, name="my_cases"),
    path("cases/", av.case_list, name="case_list"),
    path("cases/overdue/", hv.overdue, name="overdue_tasks"),
    path("my/subsidies/", lv.my_subsidies, name="my_subsidies"),
    path("subsidies/", lv.center_subsidies, name="center_subsidies"),
    path("tasks/", av.task_list, name="task_list"),
    path("tasks/<int:pk>/", av.task_detail, name="task_detail"),
    path("notifications/", nv.notification_list, name="notification_list"),
    path("notifications/new/", nv.notification_new, name="notification_new"),
    path("forwarded/", fv.forwarded_list, name="forwarded_list"),
    path("forwarded/new/", fv.forwarded_new, name="forwarded_new"),
    path("track/", av.track, name="track"),
    path("objections/record/", objection_views.written_objection, name="written_objection"),
    path("statistics/", sv.statistics, name="statistics"),
    path("duty-lawyer/new/", sv.duty_lawyer_new, name="duty_lawyer_new"),
    path("waivers/", wv.waiver_inbox, name="waiver_inbox"),
    path("notarisations/", wv.notarisations, name="notarisations"),
    path("public-interest/new/", wv.public_interest_new, name="public_interest_new"),
    path("my/service-logs/", slv.my_service_logs, name="my_service_logs"),
    path("service-logs/<int:pk>/evidence/", slv.service_log_evidence, name="service_log_evidence"),
    path("my/duty/", duty_views.my_duty, name="my_duty"),
    path("duty/", duty_views.duty_overview, name="duty_overview"),
    path("duty/firm/", duty_views.duty_firm, name="duty_firm"),
]
# quality and complaints: each module lists its own pages
urlpatterns += complaint_views.urlpatterns + quality_views.urlpatterns + peer_review_views.urlpatterns
# collaboration letters between centers (协作函)
urlpatterns += collaboration_views.urlpatterns
# consultations (Art 23): online questions, the consultation log and recording
urlpatterns += consultation_views.urlpatterns
