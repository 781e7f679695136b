"""The mentoring agreement: the mentee's draft form, the posted agreement with the mentor's
Sign / Suggest changes, and the summary for `/mentor agreement`."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.agreements import service as svc
from bot.errors import InvalidInput
from bot.forms import FormState, whole
from bot.ids import Action, BlockPrefix, Callback
from bot.ids import AgreementField as F
from infra.text import escape, escape_truncated
from storage.enums import ActorRole, Cadence
from storage.models import Agreement, Relationship

CONFIDENTIAL = "What we discuss stays between us, unless we both agree otherwise."


def agreement_form(relationship: Relationship, terms: svc.Terms, *, revising: bool) -> View:
    cadence = ui.options((c.value, c.label) for c in Cadence)
    lengths = ui.options((str(m), f"{m} minutes") for m in svc.MEETING_MINUTES)
    channels = ui.options(svc.CHANNELS.items())
    confidential = ui.option("yes", CONFIDENTIAL)

    def text(
        block: str, label: str, value: str, placeholder: str, *, optional: bool = False
    ) -> Block:
        return ui.text_field(
            block,
            label,
            multiline=True,
            max_length=svc.TEXT_MAX,
            initial=value,
            placeholder=placeholder,
            optional=optional,
        )

    blocks: list[Block] = [
        ui.section(
            f"Your agreement with *{escape(relationship.mentor.display)}*. Writing it down now "
            "avoids misunderstandings later. They'll sign it or suggest changes."
        ),
        ui.input_block(
            F.CADENCE,
            "We'll meet",
            StaticSelectElement(
                action_id=Action.FIELD,
                options=cadence,
                initial_option=next(o for o in cadence if o.value == terms.cadence.value),
            ),
        ),
        ui.input_block(
            F.LENGTH,
            "For about",
            StaticSelectElement(
                action_id=Action.FIELD,
                options=lengths,
                initial_option=next(
                    (o for o in lengths if o.value == str(terms.meeting_minutes)), None
                ),
            ),
        ),
        ui.input_block(
            F.END_DATE,
            "Until",
            DatePickerElement(action_id=Action.FIELD, initial_date=terms.end_date.isoformat()),
            hint="When the relationship ends. You can extend it later if you both agree.",
        ),
        ui.input_block(
            F.CHANNEL,
            "Mostly by",
            StaticSelectElement(
                action_id=Action.FIELD,
                options=channels,
                initial_option=next((o for o in channels if o.value == terms.channel), None),
            ),
        ),
        ui.text_field(
            F.CHANNEL_DETAIL,
            "Details",
            max_length=200,
            initial=terms.channel_detail,
            placeholder="e.g. Zoom link, or the café by the office",
            optional=True,
        ),
        text(
            F.IN_SCOPE,
            "What we'll work on",
            terms.in_scope,
            "e.g. leading projects, stakeholder management, my promotion case",
        ),
        text(
            F.OUT_OF_SCOPE,
            "What's out of scope",
            terms.out_of_scope,
            "e.g. personal matters, my current manager's decisions",
            optional=True,
        ),
        text(
            F.FROM_MENTOR,
            "What I hope for from my mentor",
            terms.from_mentor,
            "e.g. honest feedback, an introduction or two, questions that make me think",
        ),
        text(
            F.FROM_MENTEE,
            "What my mentor can count on from me",
            terms.from_mentee,
            "e.g. I book our meetings, bring an agenda and send the actions afterwards",
        ),
        ui.input_block(
            F.CONFIDENTIAL,
            "Confidentiality",
            CheckboxesElement(
                action_id=Action.FIELD,
                options=[confidential],
                initial_options=[confidential] if terms.confidential else None,
            ),
            optional=True,
        ),
        text(F.NOTE, "Anything else", terms.note, "Optional", optional=True),
    ]
    return ui.form(
        Callback.AGREEMENT_FORM,
        "Revise agreement" if revising else "Our agreement",
        blocks,
        submit="Sign and send",
        private_metadata={"relationship_id": relationship.id},
    )


def parse_agreement_form(state: FormState) -> svc.Terms:
    errors: dict[str, str] = {}
    cadence_raw = state.selected(F.CADENCE) or ""
    cadence = Cadence(cadence_raw) if cadence_raw in {c.value for c in Cadence} else None
    if cadence is None:
        errors[F.CADENCE] = "Choose how often you'll meet."
    minutes = state.selected(F.LENGTH)
    end_raw = _date(state, F.END_DATE)
    if end_raw is None:
        errors[F.END_DATE] = "Choose an end date."
    if errors:
        raise InvalidInput.for_fields(errors)
    assert cadence is not None and end_raw is not None
    return svc.Terms(
        cadence=cadence,
        meeting_minutes=whole(minutes) or 0,
        end_date=end_raw,
        channel=state.selected(F.CHANNEL) or "",
        channel_detail=state.text(F.CHANNEL_DETAIL).strip(),
        in_scope=state.text(F.IN_SCOPE).strip(),
        out_of_scope=state.text(F.OUT_OF_SCOPE).strip(),
        from_mentor=state.text(F.FROM_MENTOR).strip(),
        from_mentee=state.text(F.FROM_MENTEE).strip(),
        confidential="yes" in state.selected_many(F.CONFIDENTIAL),
        note=state.text(F.NOTE).strip(),
    )


def _date(state: FormState, block: str) -> date | None:
    raw = state.raw(block).get("selected_date")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def terms_blocks(agreement: Agreement) -> list[Block]:
    terms = svc.Terms.from_dict(agreement.terms)
    how = svc.CHANNELS.get(terms.channel, terms.channel)
    if terms.channel_detail:
        how += f" ({escape(terms.channel_detail)})"
    blocks: list[Block] = [
        ui.fields_section(
            [
                ("Meetings", f"{terms.cadence.label}, about {terms.meeting_minutes} minutes"),
                ("Until", f"{terms.end_date:%d %B %Y}"),
                ("Mostly by", how),
                ("Confidential", "Yes" if terms.confidential else "Not agreed"),
            ]
        ),
        ui.section(f"*What we'll work on*\n{escape_truncated(terms.in_scope, 1000)}"),
    ]
    if terms.out_of_scope:
        blocks.append(ui.section(f"*Out of scope*\n{escape_truncated(terms.out_of_scope, 1000)}"))
    blocks += [
        ui.section(f"*From the mentor*\n{escape_truncated(terms.from_mentor, 1000)}"),
        ui.section(f"*From the mentee*\n{escape_truncated(terms.from_mentee, 1000)}"),
    ]
    if terms.note:
        blocks.append(ui.section(f"*Also*\n{escape_truncated(terms.note, 1000)}"))
    return blocks


def agreement_message(agreement: Agreement, relationship: Relationship) -> list[Block]:
    """Posted to the pair's conversation; the mentor signs or suggests changes here."""
    mentee, mentor = relationship.mentee, relationship.mentor
    signed_mentee = f":white_check_mark: {escape(mentee.display)} signed"
    if agreement.mentor_signed_at is not None:
        status = f"{signed_mentee} · :white_check_mark: {escape(mentor.display)} signed. Agreed."
    else:
        status = f"{signed_mentee} · waiting for {escape(mentor.display)}"
    blocks: list[Block] = [
        ui.header(f":memo: Mentoring agreement (version {agreement.version})"),
        *terms_blocks(agreement),
        ui.context(status),
    ]
    if agreement.mentor_signed_at is None:
        blocks.append(
            ui.actions(
                ui.button("Sign", Action.AGREEMENT_SIGN, value=str(agreement.id), style="primary"),
                ui.button("Suggest changes", Action.AGREEMENT_SUGGEST, value=str(agreement.id)),
                block_id=BlockPrefix.AGREEMENT.of(agreement.id),
            )
        )
    return blocks


def suggest_form(agreement: Agreement, relationship: Relationship) -> View:
    field = ui.text_field(
        F.SUGGESTION,
        f"What would you change? {relationship.mentee.display} revises it.",
        multiline=True,
        max_length=svc.SUGGESTION_MAX,
    )
    return ui.form(
        Callback.SUGGEST_FORM,
        "Suggest changes",
        [field],
        submit="Send",
        close="Back",
        private_metadata={"agreement_id": agreement.id},
    )


def suggestion_for_mentee(agreement: Agreement, relationship: Relationship) -> list[Block]:
    return [
        ui.section(
            f":pencil2: {escape(relationship.mentor.display)} suggested changes to your "
            f"agreement:\n>{escape_truncated(agreement.change_request, 1500)}"
        ),
        ui.actions(
            ui.button(
                "Revise the agreement",
                Action.AGREEMENT_DRAFT,
                value=str(relationship.id),
                style="primary",
            )
        ),
    ]


def agreements_overview(
    items: list[tuple[Relationship, ActorRole, Agreement | None]],
) -> list[Block]:
    """`/mentor agreement`: each live relationship's agreement (private to the asker)."""
    if not items:
        return [ui.section("You don't have a mentoring relationship with an agreement yet.")]
    blocks: list[Block] = []
    for relationship, role, agreement in items[:5]:
        other = relationship.mentor if role is ActorRole.MENTEE else relationship.mentee
        title = (
            f"*Your agreement with {escape(other.display)}* ({escape(relationship.program.name)})"
        )
        if agreement is None:
            blocks.append(ui.section(f"{title}\nNot drafted yet."))
            if role is ActorRole.MENTEE:
                blocks.append(
                    ui.actions(
                        ui.button(
                            "Draft our agreement",
                            Action.AGREEMENT_DRAFT,
                            value=str(relationship.id),
                            style="primary",
                        )
                    )
                )
            continue
        signed = "signed by both" if agreement.mentor_signed_at else "waiting for the mentor"
        blocks.append(ui.section(f"{title} · version {agreement.version}, {signed}"))
        blocks += terms_blocks(agreement)
        if role is ActorRole.MENTEE:
            blocks.append(
                ui.actions(ui.button("Revise", Action.AGREEMENT_DRAFT, value=str(relationship.id)))
            )
        blocks.append(ui.divider())
    return ui.fit(blocks, ui.MESSAGE_BLOCKS_MAX, overflow_note="…")
