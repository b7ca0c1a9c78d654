from django.urls import path

from . import (
    accounts,
    applications,
    collaboration,
    complaints,
    consultations,
    documents,
    fee_waivers,
    forwarding,
    handling,
    materials,
    notifications,
    peer_reviews,
    quality,
    quota,
    service_logs,
    tasks,
    transfers,
    views,
)

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("me/", views.MeView.as_view(), name="me"),
    path("regions/", views.RegionListView.as_view(), name="regions"),
    path("providers/", views.ProviderListView.as_view(), name="providers"),
    path("institutions/", views.InstitutionListView.as_view(), name="institutions"),
    path("firms/", views.FirmListView.as_view(), name="firms"),
    path("centers/", views.CenterListView.as_view(), name="centers"),
    path("offices/", views.OfficeListView.as_view(), name="offices"),
    path("applications/", applications.ApplicationListCreate.as_view(), name="applications"),
    path("applications/<int:pk>/", applications.ApplicationDetail.as_view(), name="application"),
    path(
        "applications/<int:pk>/documents/",
        applications.ApplicationDocuments.as_view(),
        name="application-documents",
    ),
    path(
        "applications/<int:pk>/objection/",
        applications.ApplicationObjection.as_view(),
        name="application-objection",
    ),
    path(
        "applications/<int:pk>/terminate/",
        applications.ApplicationTerminate.as_view(),
        name="application-terminate",
    ),
    path(
        "applications/<int:pk>/transfer/",
        transfers.ApplicationTransferView.as_view(),
        name="application-transfer",
    ),
    path(
        "applications/<int:pk>/recommendations/",
        handling.ApplicationRecommendations.as_view(),
        name="application-recommendations",
    ),
    path(
        "applications/<int:pk>/reassign/", handling.ApplicationReassign.as_view(), name="application-reassign"
    ),
    path("applications/<int:pk>/notes/", handling.ApplicationNotes.as_view(), name="application-notes"),
    path(
        "applications/<int:pk>/closing-file/",
        handling.ApplicationClosingFile.as_view(),
        name="application-closing-file",
    ),
    path("applications/<int:pk>/rating/", handling.ApplicationRating.as_view(), name="application-rating"),
    path(
        "applications/<int:pk>/fee-waivers/",
        fee_waivers.ApplicationFeeWaivers.as_view(),
        name="application-fee-waivers",
    ),
    path("fee-waivers/", fee_waivers.FeeWaiverList.as_view(), name="fee-waivers"),
    path("fee-waivers/<int:pk>/", fee_waivers.FeeWaiverDetail.as_view(), name="fee-waiver"),
    path(
        "fee-waivers/<int:pk>/judgment/", fee_waivers.FeeWaiverJudgment.as_view(), name="fee-waiver-judgment"
    ),
    path("public-interest-cases/", fee_waivers.PublicInterestCreate.as_view(), name="public-interest-cases"),
    path("service-logs/", service_logs.ServiceLogListCreate.as_view(), name="service-logs"),
    path("service-logs/<int:pk>/", service_logs.ServiceLogDetail.as_view(), name="service-log"),
    path(
        "service-logs/<int:pk>/evidence/",
        service_logs.ServiceLogEvidence.as_view(),
        name="service-log-evidence",
    ),
    path("quota/notaries/", quota.NotaryDutyList.as_view(), name="quota-notaries"),
    path("quota/lawyers/", quota.LawyerDutyList.as_view(), name="quota-lawyers"),
    path("quota/firms/", quota.FirmDutyList.as_view(), name="quota-firms"),
    path("quota/firms/<int:pk>/report.pdf", quota.FirmReportPdf.as_view(), name="quota-firm-report-pdf"),
    path("quota/firms/<int:pk>/report.xlsx", quota.FirmReportXlsx.as_view(), name="quota-firm-report-xlsx"),
    path(
        "quota/lawyers/<int:pk>/certificate.pdf",
        quota.LawyerCertificate.as_view(),
        name="quota-lawyer-certificate",
    ),
    path("notifications/", notifications.NotificationListCreate.as_view(), name="notifications"),
    path("forwarded-requests/", forwarding.ForwardedRequestListCreate.as_view(), name="forwarded-requests"),
    path("track/", applications.Track.as_view(), name="track"),
    path("materials-checklist/", materials.MaterialsChecklist.as_view(), name="materials-checklist"),
    path("documents/<str:code>/", documents.DocumentDownload.as_view(), name="document"),
    path("tasks/", tasks.TaskList.as_view(), name="tasks"),
    path("tasks/<int:pk>/claim/", tasks.TaskClaim.as_view(), name="task-claim"),
    path("tasks/<int:pk>/complete/", tasks.TaskComplete.as_view(), name="task-complete"),
]
# quality and complaints: each module lists its own routes
urlpatterns += complaints.urlpatterns + quality.urlpatterns + peer_reviews.urlpatterns
# collaboration letters between centers (协作函)
urlpatterns += collaboration.urlpatterns
# consultations (Art 23): online questions, recorded consultations and the reply rate
urlpatterns += consultations.urlpatterns
