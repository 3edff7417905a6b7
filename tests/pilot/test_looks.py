"""Easy on older eyes, driven by keys: the high-contrast and the terminal's own themes are
offered in Settings and remembered; focus and choices show by shape under NO_COLOR; the
welcome form is whole at 80x24."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual import events
from textual.app import App
from textual.color import Color
from textual.geometry import Region
from textual.widgets import Input, Label, OptionList, RadioSet, Select

from coach.clock import FakeClock
from coach.session import Session
from coach.settings.model import config_set
from coach.system.paths import Paths
from screens.checkin import CheckinScreen
from screens.choice import Choice
from screens.looks import HIGH_CONTRAST
from screens.settings import COLOURS, SettingsScreen
from tests.support import BERLIN
from tests.support.apps import MakeApp, settle


def _luminance(colour: Color) -> float:
    """WCAG 2's relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)


def _contrast(a: Color, b: Color) -> float:
    """WCAG 2's contrast ratio of two colours: 21 for white on black, 7 for AAA text."""
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_high_contrast_theme_is_past_wcag_aaa() -> None:
    black = Color.parse(HIGH_CONTRAST.background or "")
    assert round(_contrast(Color.parse("#FFFFFF"), black), 1) == 21.0
    navy = Color.parse(HIGH_CONTRAST.variables["block-cursor-background"])
    words = (HIGH_CONTRAST.foreground, HIGH_CONTRAST.primary, HIGH_CONTRAST.success)
    for colour in (*words, HIGH_CONTRAST.accent, HIGH_CONTRAST.warning, HIGH_CONTRAST.error):
        assert _contrast(Color.parse(colour or ""), black) >= 7.0, colour
    for colour in words:  # on the chosen row too
        assert _contrast(Color.parse(colour or ""), navy) >= 7.0, colour


async def test_settings_offers_the_themes_and_the_choice_is_kept(
    make_app: MakeApp, coach_home: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot, lambda: isinstance(app.screen, SettingsScreen))
        colours = app.screen.query_one("#theme", Select)
        assert {"high-contrast", "ansi-dark", "ansi-light"} <= set(COLOURS)
        # Each is an option of the form (a Select refuses any other value), applied at once.
        for theme in COLOURS:
            colours.value = theme
            await settle(pilot, lambda: app.theme == colours.value)
            assert app.theme == theme
        colours.value = "high-contrast"
        await settle(pilot, lambda: app.theme == "high-contrast")
        assert app.has_class("-marks")  # focus shown by shape too
        assert app.screen.styles.background == Color.parse("#000000")
    config = tomllib.loads((coach_home / "config.toml").read_text())
    assert config["display"] == {"theme": "high-contrast"}


async def test_a_theme_of_the_terminal_is_kept_and_used_at_the_next_start(
    ctx: Session, coach_home: Path, make_app: MakeApp
) -> None:
    config_set(coach_home / "config.toml", "display.theme", "ansi-dark")
    ctx = Session(Paths.resolve(coach_home), kind="test", clock=ctx.clock)
    app = make_app(ctx=ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "ansi-dark"
        assert app.has_class("-marks")  # the terminal's palette: focus shown by shape too


async def test_under_no_color_focus_and_the_chosen_answer_show_by_shape(
    make_app: MakeApp, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.has_class("-marks")
        if not isinstance(app.screen, CheckinScreen):
            app.push_screen(CheckinScreen())
            await pilot.pause()
        legs = app.screen.query_one("#leg", RadioSet)
        left, right, _ = legs.query(Choice)
        left.value = True
        await pilot.pause()
        # The dot is in the chosen button's text, not only in its colour.
        assert str(left.render()).startswith("▐●▌")
        assert str(right.render()).startswith("▐ ▌")
        # The focused field carries a bar at its left edge; the others a blank column.
        focused = app.focused
        assert isinstance(focused, Input)
        assert focused.styles.border_left[0] == "heavy"
        others = [w for w in app.screen.query(Input) if w is not focused]
        assert others and all(w.styles.border_left[0] == "blank" for w in others)


async def test_the_welcome_form_is_whole_at_80x24(make_app: MakeApp, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 22, 18, 0, tzinfo=BERLIN))
    app = make_app(first_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        visible = screen.region
        # No scrolling needed: every field and both buttons are on the screen at once...
        for widget in [*screen.query(Input), *screen.query(Select), *screen.query("Button")]:
            assert visible.contains_region(widget.region), widget
        assert screen.query_one("#settings").max_scroll_y == 0
        # ... and no question is cut: each label has the room its words need.
        for label in screen.query(Label):
            text = str(label.render())
            width, height = label.content_region.width, label.content_region.height
            assert visible.contains_region(label.region), text
            assert cell_len(text.replace("\n", "")) <= width * height, text


async def test_under_no_color_a_pointer_shows_tonight_s_chosen_step(
    make_app: MakeApp, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    clock.set(datetime(2026, 11, 22, 21, 25, tzinfo=BERLIN))
    app = make_app()

    def pointed() -> list[str]:
        timeline = app.screen.query_one("#timeline", OptionList)
        prompts = [str(timeline.get_option_at_index(i).prompt) for i in range(5)]
        return [p[2:7] for p in prompts if p.startswith("\u25b6 ")]

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert pointed() == ["20:30"]  # hydration, due now
        await pilot.press("down")
        await pilot.pause()
        assert pointed() == ["21:30"]
        await pilot.press("d")  # done: the list is drawn again, the pointer stays
        await settle(
            pilot,
            lambda: (
                "done"
                in str(app.screen.query_one("#timeline", OptionList).get_option_at_index(2).prompt)
            ),
        )
        await pilot.pause()
        assert pointed() == ["21:30"]


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
async def test_in_the_terminal_s_colours_the_chosen_step_s_words_stay_on_its_bar(
    ctx: Session, clock: FakeClock, make_app: MakeApp, theme: str
) -> None:
    """The chosen row is the terminal's white (dark) or blue (light) bar: each letter on it
    is drawn in the bar's own text colour, none in the terminal's default colour (light
    grey on the white bar: gone) or a state's green."""
    clock.set(datetime(2026, 11, 22, 19, 40, tzinfo=BERLIN))
    ctx.store.record_step(date(2026, 11, 22), "last-meal", "done")
    clock.set(datetime(2026, 11, 22, 21, 25, tzinfo=BERLIN))
    app = make_app()
    app.theme = theme
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        timeline = app.screen.query_one("#timeline", OptionList)
        for step in range(3):  # upcoming, then done: the row moves up the list
            if step:
                await pilot.press("up")
                await pilot.pause()
            index = timeline.highlighted
            assert index is not None
            y = index - timeline.scroll_offset.y
            letters = [
                segment
                for segment in timeline.render_line(y)
                if segment.text.strip() and segment.style is not None
            ]
            text = "".join(segment.text for segment in letters)
            assert any(word in text for word in ("upcoming", "done", "due", "skipped")), text
            colours = {segment.style.color for segment in letters if segment.style}
            assert len(colours) == 1, (text, colours)
            (colour,) = colours
            assert colour is not None and not colour.is_default, text


async def test_under_high_contrast_a_field_s_example_text_is_past_aaa(
    make_app: MakeApp, clock: FakeClock
) -> None:
    """The check-in's fields show their scale as example text ("1 mild - 10 worst"): under
    the high-contrast theme it is light grey on the field, 7:1 and more, not Textual's
    usual faint grey (3.5:1)."""
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
    app = make_app()
    app.theme = "high-contrast"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if not isinstance(app.screen, CheckinScreen):
            app.push_screen(CheckinScreen())
            await pilot.pause()
        fields = [f for f in app.screen.query(Input) if not f.value and f.placeholder]
        assert len(fields) >= 3
        for field in fields:
            strips = field.render_lines(Region(0, 0, field.size.width, field.size.height))
            words = [
                segment
                for strip in strips
                for segment in strip
                if segment.text.strip() and segment.text.strip() in field.placeholder
            ]
            assert words, field.placeholder
            for segment in words:
                style = segment.style
                assert style is not None and style.color and style.bgcolor, segment
                fore = Color.from_rich_color(style.color)
                back = Color.from_rich_color(style.bgcolor)
                assert _contrast(fore, back) >= 7.0, (field.placeholder, fore, back)


async def test_a_screen_shown_while_the_app_had_no_focus_gets_it_with_the_app(
    make_app: MakeApp, clock: FakeClock
) -> None:
    """In the browser the app starts without the keyboard (Textual's web driver says so
    until the page's terminal has the focus), so Textual focuses nothing on Tonight: once
    the keyboard comes, its list of steps takes the focus and the arrows move the choice."""
    clock.set(datetime(2026, 11, 22, 21, 25, tzinfo=BERLIN))
    app = make_app()
    app.set_reactive(App.app_focus, False)  # as Textual's web driver starts it
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        timeline = app.screen.query_one("#timeline", OptionList)
        assert app.focused is None  # Textual focuses nothing while the app has no focus
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert app.focused is timeline
        before = timeline.highlighted
        assert before is not None and before > 0
        await pilot.press("up")
        assert timeline.highlighted == before - 1
