"""System meetings' pages for the agenda: items (added, changed, reordered, deleted with a
confirmation), the conversations to have beforehand (the leadership group only), the outcome
and its publication to practices through the golden thread.

Thin: forms parse, system.services_meetings writes, system.selectors_meetings reads.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from golden_thread.services import readability_of
from system import access
from system import selectors_meetings as selectors
from system import services_meetings as services
from system.forms_meetings import ConversationForm, ItemForm, OutcomeForm, PublishForm
from system.views.common import SECTION, confirm_page, form_page, posted, url
from system.views.meetings_common import item_url, meeting_crumbs, meeting_name

# The agenda -------------------------------------------------------------------------------


def _item_form(membership: Membership, data: Any, **kwargs: Any) -> ItemForm:
    cid = membership.collective_id
    return ItemForm(
        data,
        decisions=selectors.decision_choices(cid),
        mandates=selectors.mandate_choices(membership),
        **kwargs,
    )


@collective_page(SECTION)
def meeting_item_new(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    found = access.get_meeting(membership, pk)
    access.require_leadership(membership)
    form = _item_form(membership, posted(request))
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.item_add(
            actor_membership=membership,
            meeting=found,
            title=form.cleaned_data["title"],
            our_position=form.cleaned_data["our_position"],
            decision=form.cleaned_data["decision"],
            mandate=form.cleaned_data.get("mandate"),
        ),
        done="The item is on the agenda.",
        to=url(membership, "meeting", found.pk),
        title=f"Add an agenda item to {meeting_name(found)}",
        submit="Add the item",
        breadcrumbs=meeting_crumbs(membership, found),
    )


@collective_page(SECTION)
def item_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    item = access.get_item(membership, pk)
    access.require_leadership(membership)
    fields = ("title", "our_position", "decision", "mandate")
    form = _item_form(
        membership,
        posted(request),
        initial={
            "title": item.title,
            "our_position": item.our_position,
            "decision": item.decision_id,
            "mandate": item.mandate_id,
        },
    )
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.item_update(
            actor_membership=membership,
            item=item,
            **{k: form.cleaned_data[k] for k in fields if k in form.cleaned_data},
        ),
        done="The item is changed.",
        to=item_url(membership, item),
        title=f"Change {item.title}",
        submit="Save the changes",
        breadcrumbs=meeting_crumbs(membership, item.meeting),
    )


@require_POST
@collective_page(SECTION)
def item_move(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    item = access.get_item(membership, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise Http404("Move an item up or down.")
    services.item_move(actor_membership=membership, item=item, up=direction == "up")
    messages.success(request, f"{item.title} is moved {direction}.")
    return redirect(item_url(membership, item))


@collective_page(SECTION)
def item_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    item = access.get_item(membership, pk)
    access.require_leadership(membership)
    return confirm_page(
        request,
        membership,
        act=lambda: services.item_delete(actor_membership=membership, item=item),
        done=f"{item.title} is taken off the agenda.",
        to=url(membership, "meeting", item.meeting_id),
        template="system/confirm.html",
        title=f"Take {item.title} off the agenda?",
        intro="The item goes, with our position, the conversations planned for it and its "
        "outcome. An outcome already published stays with the practices. This cannot be undone.",
        submit="Delete the item",
        back=item_url(membership, item),
        breadcrumbs=meeting_crumbs(membership, item.meeting),
    )


# Conversations beforehand -----------------------------------------------------------------


def _conversation_form(membership: Membership, data: Any, **kwargs: Any) -> ConversationForm:
    return ConversationForm(
        data,
        stakeholders=selectors.stakeholder_choices(membership),
        leaders=selectors.leaders_of(membership.collective_id),
        **kwargs,
    )


@collective_page(SECTION)
def item_conversation_new(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    item = access.get_item(membership, pk)
    access.require_preparation(membership)
    form = _conversation_form(membership, posted(request), initial={"by": membership.user_id})
    stakeholders = form.fields["stakeholder"].choices[1:]  # type: ignore[attr-defined]
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.conversation_add(
            actor_membership=membership, item=item, **form.cleaned_data
        ),
        done="The conversation is planned.",
        to=item_url(membership, item),
        title=f"Plan a conversation before the meeting: {item.title}",
        intro="Who to talk to before the meeting about this item, who does it, and what they "
        "think. Only the leadership group sees this.",
        submit="Plan the conversation",
        empty=""
        if stakeholders
        else "The collective has no stakeholders yet. Add the people you know in the system's "
        "organisations first, then plan who talks to whom.",
        breadcrumbs=meeting_crumbs(membership, item.meeting),
    )


@collective_page(SECTION)
def conversation_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    conversation = access.get_conversation(membership, pk)
    form = _conversation_form(
        membership,
        posted(request),
        initial={
            "stakeholder": conversation.stakeholder_id,
            "by": conversation.by_id,
            "stance": conversation.stance,
            "done": conversation.done,
        },
    )
    if conversation.stakeholder is None or conversation.stakeholder.erased_at is not None:
        form.fields["stakeholder"].required = False
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.conversation_update(
            actor_membership=membership, conversation=conversation, **form.cleaned_data
        ),
        done="The conversation is changed.",
        to=item_url(membership, conversation.item),
        title="Change the conversation with "
        f"{selectors.stakeholder_label(conversation.stakeholder)}",
        submit="Save the changes",
        breadcrumbs=meeting_crumbs(membership, conversation.item.meeting),
    )


@require_POST
@collective_page(SECTION)
def conversation_done(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Mark the conversation done, or not done again."""
    conversation = access.get_conversation(membership, pk)
    done = request.POST.get("done") == "true"
    services.conversation_update(actor_membership=membership, conversation=conversation, done=done)
    who = selectors.stakeholder_label(conversation.stakeholder)
    messages.success(
        request,
        f"The conversation with {who} is done."
        if done
        else f"The conversation with {who} is not done yet.",
    )
    return redirect(item_url(membership, conversation.item))


@collective_page(SECTION)
def conversation_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    conversation = access.get_conversation(membership, pk)
    who = selectors.stakeholder_label(conversation.stakeholder)
    return confirm_page(
        request,
        membership,
        act=lambda: services.conversation_delete(
            actor_membership=membership, conversation=conversation
        ),
        done=f"The conversation with {who} is no longer planned.",
        to=item_url(membership, conversation.item),
        template="system/confirm.html",
        title=f"Stop planning the conversation with {who}?",
        intro=f"It is taken off {conversation.item.title}. This cannot be undone.",
        submit="Delete the conversation",
        back=item_url(membership, conversation.item),
        breadcrumbs=meeting_crumbs(membership, conversation.item.meeting),
    )


# The outcome ------------------------------------------------------------------------------


@collective_page(SECTION)
def item_outcome(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    item = access.get_item(membership, pk)
    access.require_leadership(membership)
    form = OutcomeForm(posted(request), initial={"outcome": item.outcome})
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.outcome_record(
            actor_membership=membership, item=item, outcome=form.cleaned_data["outcome"]
        ),
        done="The outcome is recorded. Publish it to practices when it is ready.",
        to=item_url(membership, item),
        title=f"What came of {item.title}",
        intro=f"At {meeting_name(item.meeting)}.",
        submit="Record the outcome",
        breadcrumbs=meeting_crumbs(membership, item.meeting),
    )


@collective_page(SECTION)
def item_publish(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Publish the item's outcome to every practice through the golden thread. Text that
    reads hard is published only once the person confirms it."""
    item = access.get_item(membership, pk)
    access.require_leadership(membership)
    if item.briefing_id is not None:
        messages.success(request, "The outcome is already published to practices.")
        return redirect(item_url(membership, item))
    if not item.outcome:
        return redirect(url(membership, "item_outcome", item.pk))
    form = PublishForm(posted(request), initial={"summary": item.outcome})
    hard = bool(request.POST.get("confirm_hard"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.outcome_publish(
                actor_membership=membership,
                item=item,
                summary=data["summary"],
                meaning=data["meaning"],
                confirm_hard=data["confirm_hard"],
            )
        except ValidationError as error:
            hard = hard or getattr(error, "code", None) == "needs_confirmation"
            add_service_errors(form, error)
        else:
            messages.success(request, "The outcome is published: every practice has it.")
            return redirect(item_url(membership, item))
    shown = form.data if form.is_bound else form.initial
    text = "\n\n".join(str(shown.get(k) or "") for k in ("summary", "meaning"))
    return render(
        request,
        "system/meeting_publish.html",
        {
            "title": f"Publish the outcome to practices: {item.title}",
            "membership": membership,
            "item": item,
            "form": form,
            "hard": hard,
            "r": readability_of(text, membership.collective),
            "practices_title": services.notice_title(item),
            "breadcrumbs": meeting_crumbs(membership, item.meeting),
        },
    )


C = "c/<slug:slug>/system/meetings/"
routes: list[URLPattern] = [
    path(C + "<id:pk>/items/new/", meeting_item_new, name="meeting_item_new"),
    path(C + "items/<id:pk>/edit/", item_edit, name="item_edit"),
    path(C + "items/<id:pk>/move/", item_move, name="item_move"),
    path(C + "items/<id:pk>/delete/", item_delete, name="item_delete"),
    path(
        C + "items/<id:pk>/conversations/new/",
        item_conversation_new,
        name="item_conversation_new",
    ),
    path(C + "items/<id:pk>/outcome/", item_outcome, name="item_outcome"),
    path(C + "items/<id:pk>/publish/", item_publish, name="item_publish"),
    path(C + "conversations/<id:pk>/edit/", conversation_edit, name="conversation_edit"),
    path(C + "conversations/<id:pk>/done/", conversation_done, name="conversation_done"),
    path(C + "conversations/<id:pk>/delete/", conversation_delete, name="conversation_delete"),
]
