"""The pages where a staff member decides for the foundation, countersigning an agreement or
cancelling one it never countersigned: each shows the agreement's terms first, and acts only
on a POST from that page (CSRF-checked; the admin's second factor applies under /admin/ as
everywhere there). Both need the permission to countersign."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from agreements.models import DocumentDamaged, PeriodicGiftAgreement
from agreements.services import (
    CANCELLABLE,
    agreement_cancel,
    agreement_countersign,
    ready_to_countersign,
)
from agreements.words import amount_in_words
from crowdfund.client_ip import client_ip

Agreement = PeriodicGiftAgreement
NOT_CANCELLABLE = gettext_lazy(
    "This agreement cannot be cancelled: the foundation countersigned it, or it ended or was "
    "cancelled already. Record its end instead."
)
DAMAGED = gettext_lazy(
    "This document does not match the SHA-256 recorded when it was stored: it was changed or "
    "lost, so it is not shown and nobody can sign it. The error is logged; restore the file "
    "from a backup."
)


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why"),
        choices=Agreement.CancelReason.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The donor's email says this, in their language."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the records"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "What happened, for the audit trail and your colleagues; the donor does not see it."
        ),
    )


def signer_name(user) -> str:
    """The name the foundation's signature carries: the staff member's full name, never their
    login name."""
    return user.get_full_name().strip()


class DecisionPages:
    """Mixed into the agreement's ModelAdmin: the countersignature's and the cancellation's
    pages."""

    def decision_urls(self):
        return [
            path(
                "<int:pk>/countersign/",
                self.admin_site.admin_view(self.countersign_view),
                name="agreements_countersign",
            ),
            path(
                "<int:pk>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="agreements_cancel",
            ),
        ]

    def has_countersign_permission(self, request) -> bool:
        return request.user.has_perm("agreements.countersign_periodicgiftagreement")

    def _page(self, request, agreement, template: str, title: str, **context):
        lang = get_language() or "en"
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "agreement": agreement,
                "amount_words": amount_in_words(agreement.yearly_amount, lang),
                "signatures": agreement.signatures.all(),
                **context,
            },
        )

    def _intact(self, agreement) -> bool:
        try:
            agreement.document_bytes("terms")
        except DocumentDamaged:
            return False
        return True

    def countersign_view(self, request, pk):
        if not self.has_countersign_permission(request):
            raise PermissionDenied
        agreement = get_object_or_404(Agreement, pk=pk)
        name = signer_name(request.user)
        if request.method == "POST":
            return self._countersign(request, agreement, name)
        may_change_users = request.user.has_perm("auth.change_user")
        return self._page(
            request,
            agreement,
            "admin/agreements/periodicgiftagreement/countersign.html",
            _("Countersign agreement %(number)s") % {"number": agreement.number},
            signer=name,
            ready=ready_to_countersign(agreement),
            intact=self._intact(agreement) if agreement.terms_pdf_sha256 else False,
            foundation_signature=agreement.signatures.filter(role="foundation").first(),
            account_url=(
                reverse("admin:auth_user_change", args=[request.user.pk])
                if may_change_users
                else ""
            ),
        )

    def _countersign(self, request, agreement, name: str):
        here = reverse("admin:agreements_countersign", args=[agreement.pk])
        change = reverse("admin:agreements_periodicgiftagreement_change", args=[agreement.pk])
        if not name:
            self.message_user(
                request,
                _("Your account has no full name; nothing was signed. See below where to set it."),
                messages.ERROR,
            )
            return redirect(here)
        result = agreement_countersign(
            agreement_id=agreement.pk, user=request.user, name=name, ip=client_ip(request)
        )
        if result.applied:
            self.message_user(
                request,
                _("Countersigned %(number)s; the signed agreement is emailed to the donor.")
                % {"number": agreement.number},
                messages.SUCCESS,
            )
        elif result.problem == "document_damaged":
            self.message_user(request, DAMAGED, messages.ERROR)
        elif result.problem == "already_signed":
            self.message_user(
                request, _("It was countersigned already; nothing changed."), messages.WARNING
            )
        else:
            self.message_user(
                request,
                _(
                    "Not countersigned: an agreement is countersigned once, after the donor "
                    "(and their partner, if any) signed."
                ),
                messages.WARNING,
            )
        return redirect(change)

    def cancel_view(self, request, pk):
        if not self.has_countersign_permission(request):
            raise PermissionDenied
        agreement = get_object_or_404(Agreement, pk=pk)
        cancellable = agreement.status in CANCELLABLE
        form = CancelForm(request.POST or None)
        if request.method == "POST" and cancellable and form.is_valid():
            result = agreement_cancel(
                agreement_id=agreement.pk,
                user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            if result.applied:
                self.message_user(
                    request,
                    _("Cancelled %(number)s.") % {"number": agreement.number}
                    + (" " + _("The donor is told by email.") if agreement.donor_id else ""),
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, NOT_CANCELLABLE, messages.WARNING)
            return redirect("admin:agreements_periodicgiftagreement_change", agreement.pk)
        response = self._page(
            request,
            agreement,
            "admin/agreements/periodicgiftagreement/cancel.html",
            _("Cancel agreement %(number)s") % {"number": agreement.number},
            form=form,
            cancellable=cancellable,
        )
        if form.is_bound:
            response.status_code = 400
        return response
