"""Small fact sheets and corpora built in code for tests (invented text, not the corpus)."""

from __future__ import annotations

from briefgen.models import (
    Claim,
    Disagreement,
    Document,
    Event,
    FactSheet,
    KeyJudgment,
    Quote,
    Source,
    stable_id,
)

TEXTS = {
    "alpha": (
        "Bolivian Foreign Minister Ana Ruiz visited Moscow on 3 March 2021 for talks with "
        "Sergei Lavrov. Rosatom signed a deal to build a research reactor near El Alto in 2019. "
        "Two Russian instructors arrived in La Paz in May 2022 to train helicopter crews."
    ),
    "beta": (
        "The reactor agreement with Rosatom dates from 2018, according to the ministry. "
        "Officials in La Paz deny that the instructors have any combat role."
    ),
}


def quote(doc: str, text: str) -> Quote:
    start = TEXTS[doc].index(text)
    return Quote(doc, text, start, start + len(text))


def documents() -> list[Document]:
    return [
        Document(
            id="alpha",
            text=TEXTS["alpha"],
            title="Moscow and La Paz",
            publisher="Daily A",
            published="2022-06-01",
            reliability="B",
            date_estimated=False,
        ),
        Document(
            id="beta",
            text=TEXTS["beta"],
            title="Reactor doubts",
            publisher="Weekly B",
            published="2022-07",
            reliability="C",
            date_estimated=False,
        ),
    ]


def event(
    category: str, title: str, date: str | None, *quotes: Quote, status="accepted", country="BO"
) -> Event:
    return Event(
        id=stable_id("e", country, category, quotes[0].doc, quotes[0].start),
        country=country,
        category=category,
        title=title,
        date=date,
        evidence=list(quotes),
        reliability="B",
        credibility=2,
        status=status,
        actors=["Rosatom"],
    )


def sample_sheet(status: str = "accepted", country: str = "BO") -> FactSheet:
    visit = event(
        "diplomatic_visit",
        "Bolivian foreign minister in Moscow",
        "2021-03-03",
        quote("alpha", "Bolivian Foreign Minister Ana Ruiz visited Moscow on 3 March 2021"),
        status=status,
        country=country,
    )
    reactor = event(
        "energy_deal",
        "Rosatom research reactor deal",
        "2019",
        quote("alpha", "Rosatom signed a deal to build a research reactor near El Alto"),
        quote("beta", "The reactor agreement with Rosatom dates from 2018"),
        status=status,
        country=country,
    )
    training = event(
        "military_cooperation",
        "Russian instructors train helicopter crews",
        "2022-05",
        quote("alpha", "Two Russian instructors arrived in La Paz in May 2022"),
        status=status,
        country=country,
    )
    dispute = Disagreement(
        country=country,
        topic="When the reactor deal was signed",
        kind="value_conflict",
        claims=[
            Claim(
                quote(
                    "alpha",
                    "Rosatom signed a deal to build a research reactor near El Alto in 2019",
                ),
                "2019",
            ),
            Claim(quote("beta", "The reactor agreement with Rosatom dates from 2018"), "2018"),
        ],
        status="accepted",
    )
    return FactSheet(
        country=country,
        power="Russia",
        events=[visit, reactor, training],
        disagreements=[dispute],
        key_judgments=[
            KeyJudgment("Nuclear cooperation anchors the relationship.", "moderate", [reactor.id])
        ],
        sources={d.id: d.to_source() for d in documents()},
        bottom_line="Russia's footprint in Bolivia is small but growing.",
        outlook="More of the same.",
        reviewer="Test Analyst",
        reviewed="2022-08-01",
    )


__all__ = ["Source", "documents", "sample_sheet", "quote", "event", "TEXTS"]
