"""What goes in and comes out of the notifications' API (notifications.api)."""

from __future__ import annotations

from rest_framework import serializers

from notifications.models import Frequency, Notification


class NotificationOutput(serializers.ModelSerializer):
    path = serializers.CharField(help_text="The page it is about, on this site.")
    read_at = serializers.DateTimeField(allow_null=True, help_text="Null while unread.")

    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "path", "created_at", "read_at"]


class PreferenceIO(serializers.Serializer):
    frequency = serializers.ChoiceField(
        choices=Frequency.choices,
        help_text="How often notifications are e-mailed; all of them also show in Alliance.",
    )
