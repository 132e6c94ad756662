"""The harness checks itself: each gate must catch what it is there to catch."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import assert_no_horizontal_scroll, check_a11y, sign_in


def test_csp_violation_is_caught(phone, watcher):
    page: Page = phone
    page.goto("/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => { const s = document.createElement('script');
                       s.textContent = 'window.inlineRan = true'; document.body.append(s); }"""
        )
    assert page.evaluate("typeof window.inlineRan") == "undefined"
    assert watcher.take("CSP violation"), f"the watcher missed the CSP violation: {watcher.console}"


def test_network_request_is_blocked_and_reported(phone, watcher):
    page: Page = phone
    page.goto("/")
    outcome = page.evaluate(
        "fetch('https://example.com/x', {mode: 'no-cors'}).then(() => 'loaded', () => 'failed')"
    )
    assert outcome == "failed"
    # The CSP (connect-src 'self') refuses it first; either way it is a reported problem.
    assert watcher.take("CSP violation|request to the network blocked")


def test_uncaught_error_is_reported(phone, watcher):
    page: Page = phone
    page.goto("/")
    page.evaluate("setTimeout(() => { throw new Error('boom from the page') }, 0)")
    page.wait_for_function("true")
    page.wait_for_timeout(50)
    assert watcher.take("uncaught JS error: .*boom from the page")


def test_axe_gate_catches_violations(phone):
    page: Page = phone
    page.goto("/")
    check_a11y(page, "welcome-before-breaking-it")
    page.evaluate(
        """() => {
             const main = document.querySelector('main');
             const img = document.createElement('img');          // no alt text
             img.src = '/static/icons/favicon.svg';
             const faint = document.createElement('p');          // grey on white: 1.6:1
             faint.textContent = 'Teks pucat';
             faint.style.color = '#cccccc';
             faint.style.background = '#ffffff';
             main.append(img, faint);
           }"""
    )
    with pytest.raises(AssertionError) as caught:
        check_a11y(page, "harness-broken-on-purpose")
    assert "image-alt" in str(caught.value)
    assert "color-contrast" in str(caught.value)


def test_horizontal_scroll_gate_catches_overflow(phone):
    page: Page = phone
    page.goto("/")
    assert_no_horizontal_scroll(page, "welcome")
    page.evaluate(
        """() => { const wide = document.createElement('div');
                   wide.className = 'too-wide'; wide.style.width = '500px';
                   wide.textContent = 'lebar'; document.querySelector('main').append(wide); }"""
    )
    with pytest.raises(AssertionError, match=r"horizontal scrolling.*div\.too-wide"):
        assert_no_horizontal_scroll(page, "harness-broken-on-purpose")


def test_sign_in_helper_reports_refusal(phone, demo):
    with pytest.raises(AssertionError, match=r"Nomor HP atau kata sandi salah\."):
        sign_in(phone, demo["resident"].phone, "bukan-sandinya")


def test_broken_asset_is_reported(phone, watcher):
    page: Page = phone
    page.goto("/")
    page.evaluate(
        """() => new Promise(done => { const img = new Image(); img.alt = '';
             img.onerror = img.onload = done; img.src = '/static/tidak-ada.png';
             document.body.append(img); })"""
    )
    assert watcher.take(r"broken image: HTTP 404 .*/static/tidak-ada\.png")
