from django.contrib.auth.decorators import login_not_required
from django.urls import path

from relationships.views import community, contacts, feed, mix, overview, rhythms

app_name = "relationships"
C = "c/<slug:slug>/relationships/"
urlpatterns = [
    path(C, overview.overview, name="overview"),
    path(C + "timeline/", overview.timeline, name="timeline"),
    path(C + "mix/", mix.mix, name="mix"),
    path(C + "settings/", mix.habit_settings, name="settings"),
    path(C + "contacts/", contacts.contacts, name="contacts"),
    path(C + "contacts/add/", contacts.contact_add, name="contact_add"),
    path(C + "contacts/<id:pk>/", contacts.contact_detail, name="contact"),
    path(C + "contacts/import/", contacts.calendar_import, name="calendar_import"),
    path(C + "contacts/emails/", contacts.email_counts, name="email_counts"),
    path(C + "rhythms/", rhythms.rhythms, name="rhythms"),
    path(C + "rhythms/new/", rhythms.rhythm_new, name="rhythm_new"),
    path(C + "rhythms/feed/", rhythms.feed, name="feed"),
    path(C + "rhythms/<id:pk>/", rhythms.rhythm_detail, name="rhythm"),
    path(C + "rhythms/<id:pk>/end/", rhythms.rhythm_end, name="rhythm_end"),
    path("feeds/<str:token>.ics", login_not_required(feed.feed_ics), name="feed_ics"),
    path(C + "nudges/", community.nudges, name="nudges"),
    path(C + "nudges/<id:pk>/<str:action>/", community.nudge_action, name="nudge_action"),
    path(C + "asks/", community.asks, name="asks"),
    path(C + "asks/new/", community.ask_new, name="ask_new"),
    path(C + "asks/<id:pk>/", community.ask_detail, name="ask"),
    path(C + "put-it-right/", community.put_it_rights, name="put_it_rights"),
    path(C + "put-it-right/new/", community.put_it_right_new, name="put_it_right_new"),
    path(C + "put-it-right/<id:pk>/", community.put_it_right_detail, name="put_it_right"),
]
