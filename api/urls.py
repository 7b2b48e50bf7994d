from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from api import docs
from audit import api as audit_api
from collectives import api as collectives_api
from decisions import api as decisions_api
from directory import api as directory_api
from golden_thread import api as golden_thread_api
from notifications import api as notifications_api
from relationships import api as relationships_api
from surveys import api as surveys_api

app_name = "api"


def _api(view: Callable[..., Any]) -> Callable[..., Any]:
    # The API authenticates by token itself (401 for anonymous), not by redirect to sign in.
    return login_not_required(view)


S = "collectives/<slug:slug>/surveys/"
P = "collectives/<slug:slug>/proposals/"
D = "collectives/<slug:slug>/decisions/"
B = "collectives/<slug:slug>/briefings/"
HC = "collectives/<slug:slug>/contacts/"
HR = "collectives/<slug:slug>/rhythms/"
HN = "collectives/<slug:slug>/nudges/"
HA = "collectives/<slug:slug>/asks/"
HP = "collectives/<slug:slug>/put-it-right/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(S, _api(surveys_api.RoundList.as_view()), name="surveys"),
    path(S + "<id:pk>/", _api(surveys_api.RoundDetail.as_view()), name="survey"),
    path(S + "<id:pk>/answers/", _api(surveys_api.OwnAnswers.as_view()), name="survey_answers"),
    path(
        S + "<id:pk>/answers/<id:organisation>/",
        _api(surveys_api.OwnRating.as_view()),
        name="survey_answer",
    ),
    path(S + "<id:pk>/results/", _api(surveys_api.RoundResults.as_view()), name="survey_results"),
    path(
        S + "<id:pk>/pair-views/", _api(surveys_api.PairViews.as_view()), name="survey_pair_views"
    ),
    path(
        S + "<id:pk>/pair-views/<id:organisation>/",
        _api(surveys_api.PairConsent.as_view()),
        name="survey_pair_view",
    ),
    path(P, _api(decisions_api.ProposalList.as_view()), name="proposals"),
    path(P + "<id:pk>/", _api(decisions_api.ProposalDetail.as_view()), name="proposal"),
    path(
        P + "<id:pk>/positions/",
        _api(decisions_api.ProposalPositions.as_view()),
        name="proposal_positions",
    ),
    path(P + "<id:pk>/items/", _api(decisions_api.ProposalItems.as_view()), name="proposal_items"),
    path(
        P + "<id:pk>/items/<id:item_pk>/withdraw/",
        _api(decisions_api.ProposalItemWithdraw.as_view()),
        name="proposal_item_withdraw",
    ),
    path(
        P + "<id:pk>/items/<id:item_pk>/accept/",
        _api(decisions_api.ProposalItemAccept.as_view()),
        name="proposal_item_accept",
    ),
    path(
        P + "<id:pk>/decision/",
        _api(decisions_api.ProposalDecision.as_view()),
        name="proposal_decision",
    ),
    path(D, _api(decisions_api.DecisionList.as_view()), name="decisions"),
    path(D + "<id:pk>/", _api(decisions_api.DecisionDetail.as_view()), name="decision"),
    path(B, _api(golden_thread_api.BriefingList.as_view()), name="briefings"),
    path(
        B + "figures/", _api(golden_thread_api.BriefingFigures.as_view()), name="briefings_figures"
    ),
    path(B + "<id:pk>/", _api(golden_thread_api.BriefingDetail.as_view()), name="briefing"),
    path(
        B + "<id:pk>/publish/",
        _api(golden_thread_api.BriefingPublish.as_view()),
        name="briefing_publish",
    ),
    path(
        B + "<id:pk>/threads/",
        _api(golden_thread_api.BriefingThreads.as_view()),
        name="briefing_threads",
    ),
    path(
        B + "<id:pk>/touches/",
        _api(golden_thread_api.BriefingTouches.as_view()),
        name="briefing_touches",
    ),
    path(
        B + "<id:pk>/acknowledgement/",
        _api(golden_thread_api.BriefingAcknowledgement.as_view()),
        name="briefing_acknowledgement",
    ),
    path(
        B + "<id:pk>/action/",
        _api(golden_thread_api.BriefingAction.as_view()),
        name="briefing_action",
    ),
    path(
        B + "<id:pk>/questions/",
        _api(golden_thread_api.BriefingQuestions.as_view()),
        name="briefing_questions",
    ),
    path(
        B + "<id:pk>/questions/<id:item_pk>/answer/",
        _api(golden_thread_api.BriefingQuestionAnswer.as_view()),
        name="briefing_question_answer",
    ),
    path(HC, _api(relationships_api.ContactList.as_view()), name="contacts"),
    path(
        HC + "email-counts/",
        _api(relationships_api.ContactEmailCounts.as_view()),
        name="contacts_email_counts",
    ),
    path(HC + "<id:pk>/", _api(relationships_api.ContactDetail.as_view()), name="contact"),
    path(HR, _api(relationships_api.RhythmList.as_view()), name="rhythms"),
    path(HR + "<id:pk>/", _api(relationships_api.RhythmDetail.as_view()), name="rhythm"),
    path(HR + "<id:pk>/end/", _api(relationships_api.RhythmEnd.as_view()), name="rhythm_end"),
    path(HN, _api(relationships_api.NudgeList.as_view()), name="nudges"),
    path(
        HN + "<id:pk>/dismiss/",
        _api(relationships_api.NudgeDismiss.as_view()),
        name="nudge_dismiss",
    ),
    path(
        HN + "<id:pk>/snooze/", _api(relationships_api.NudgeSnooze.as_view()), name="nudge_snooze"
    ),
    path(HA, _api(relationships_api.AskList.as_view()), name="asks"),
    path(HA + "<id:pk>/", _api(relationships_api.AskDetail.as_view()), name="ask"),
    path(HA + "<id:pk>/offers/", _api(relationships_api.AskOffers.as_view()), name="ask_offers"),
    path(HA + "<id:pk>/answer/", _api(relationships_api.AskAnswer.as_view()), name="ask_answer"),
    path(HP, _api(relationships_api.PutItRightList.as_view()), name="put_it_rights"),
    path(HP + "<id:pk>/", _api(relationships_api.PutItRightDetail.as_view()), name="put_it_right"),
    path(
        HP + "<id:pk>/responses/",
        _api(relationships_api.PutItRightResponses.as_view()),
        name="put_it_right_responses",
    ),
    path("schema/", _api(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", _api(docs.api_docs), name="docs"),
    path("organisations/", _api(directory_api.OrganisationList.as_view()), name="organisations"),
    path(
        "organisations/<str:ods_code>/",
        _api(directory_api.OrganisationDetail.as_view()),
        name="organisation",
    ),
    path("people/", _api(directory_api.PersonList.as_view()), name="people"),
    path("people/<id:pk>/", _api(directory_api.PersonDetail.as_view()), name="person"),
    path("me/", _api(collectives_api.MeView.as_view()), name="me"),
    path("collectives/", _api(collectives_api.CollectiveList.as_view()), name="collectives"),
    path(
        "collectives/<slug:slug>/",
        _api(collectives_api.CollectiveDetail.as_view()),
        name="collective",
    ),
    path(
        "collectives/<slug:slug>/memberships/",
        _api(collectives_api.MembershipList.as_view()),
        name="memberships",
    ),
    path(
        "collectives/<slug:slug>/memberships/<id:pk>/",
        _api(collectives_api.MembershipDetail.as_view()),
        name="membership",
    ),
    path(
        "collectives/<slug:slug>/organisations/",
        _api(collectives_api.MemberOrganisationList.as_view()),
        name="organisations",
    ),
    path(
        "collectives/<slug:slug>/organisations/<id:pk>/",
        _api(collectives_api.MemberOrganisationDetail.as_view()),
        name="member_organisation",
    ),
    path(
        "collectives/<slug:slug>/organisations/<id:pk>/people/",
        _api(collectives_api.MemberOrganisationPeople.as_view()),
        name="member_organisation_people",
    ),
    path(
        "collectives/<slug:slug>/organisations/<id:pk>/people/<id:person>/",
        _api(collectives_api.MemberOrganisationPerson.as_view()),
        name="member_organisation_person",
    ),
    path(
        "collectives/<slug:slug>/invitations/",
        _api(collectives_api.InvitationList.as_view()),
        name="invitations",
    ),
    path("collectives/<slug:slug>/audit/", _api(audit_api.AuditEntryList.as_view()), name="audit"),
]

# Collectives, invitations, trust surveys and notifications: the page actions' endpoints
# (docs/api.md).
C = "collectives/<slug:slug>/"
urlpatterns += [
    path(
        C + "invitations/<id:pk>/resend/",
        _api(collectives_api.InvitationResend.as_view()),
        name="invitation_resend",
    ),
    path(
        C + "invitations/<id:pk>/revoke/",
        _api(collectives_api.InvitationRevoke.as_view()),
        name="invitation_revoke",
    ),
    path(
        "invitations/accept/",
        _api(collectives_api.InvitationAccept.as_view()),
        name="invitation_accept",
    ),
    path(S + "<id:pk>/extend/", _api(surveys_api.RoundExtend.as_view()), name="survey_extend"),
    path(S + "<id:pk>/close/", _api(surveys_api.RoundClose.as_view()), name="survey_close"),
    path(
        S + "<id:pk>/self-assessment/",
        _api(surveys_api.SelfAssessment.as_view()),
        name="survey_self_assessment",
    ),
    path(S + "<id:pk>/finish/", _api(surveys_api.Finish.as_view()), name="survey_finish"),
    path(
        C + "notifications/",
        _api(notifications_api.NotificationList.as_view()),
        name="notifications",
    ),
    path(
        C + "notifications/read-all/",
        _api(notifications_api.NotificationsReadAll.as_view()),
        name="notifications_read_all",
    ),
    path(
        C + "notifications/<id:pk>/read/",
        _api(notifications_api.NotificationRead.as_view()),
        name="notification_read",
    ),
    path(
        "me/notification-preference/",
        _api(notifications_api.NotificationPreference.as_view()),
        name="notification_preference",
    ),
]

# API parity (issue 13): the writes of decisions, the golden thread's "who we are" and the
# directory.
urlpatterns += [
    path(P + "<id:pk>/move/", _api(decisions_api.ProposalMove.as_view()), name="proposal_move"),
    path(
        P + "<id:pk>/sense-checks/",
        _api(decisions_api.ProposalSenseChecks.as_view()),
        name="proposal_sense_checks",
    ),
    path(
        P + "<id:pk>/versions/",
        _api(decisions_api.ProposalVersions.as_view()),
        name="proposal_versions",
    ),
    path(
        P + "<id:pk>/comments/",
        _api(decisions_api.ProposalComments.as_view()),
        name="proposal_comments",
    ),
    path(
        D + "<id:pk>/revisit/",
        _api(decisions_api.DecisionRevisit.as_view()),
        name="decision_revisit",
    ),
    path(
        "collectives/<slug:slug>/who-we-are/", _api(golden_thread_api.About.as_view()), name="about"
    ),
    path(
        "collectives/<slug:slug>/who-we-are/publish/",
        _api(golden_thread_api.AboutPublish.as_view()),
        name="about_publish",
    ),
    path(
        "organisations/<str:ods_code>/people/",
        _api(directory_api.OrganisationPeople.as_view()),
        name="organisation_people",
    ),
]

# Relationships: the calendar import and the nudge thresholds (docs/api.md).
urlpatterns += [
    path(
        HC + "calendar-import/",
        _api(relationships_api.CalendarImport.as_view()),
        name="contacts_calendar_import",
    ),
    path(
        "collectives/<slug:slug>/nudge-thresholds/",
        _api(relationships_api.NudgeThresholds.as_view()),
        name="nudge_thresholds",
    ),
    path("", include("shared_services.api.urls")),
    path("", include("system.api.urls")),
    path("", include("sustainability.api_urls")),
]
