"""The page at `/`, used as a person would: in headless Chromium (Debian's, with its
chromium-driver; nothing downloads a browser), against a real server on 127.0.0.1.

Screenshots go to $ASSAY_SCREENSHOTS when it is set (bench/results/ holds the ones made so),
else to the test's temporary folder."""
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as shown  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import assay  # noqa: E402
from assay.pipeline import resolve_model  # noqa: E402
from assay.server.app import create_app  # noqa: E402

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (BROWSER and DRIVER), reason="no Chromium here: apt-get "
                                "install chromium chromium-driver (make test does, as root)")
SENTENCE = "We used SPSS 25 (IBM) and the lme4 package for R."


@pytest.fixture(scope="module")
def server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app({"software": assay.load("software")}, folders={
        "software": resolve_model("software")})
    served = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    for _ in range(200):
        if served.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(10)


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))
    yield driver
    driver.quit()


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ASSAY_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width, height, name", [(1200, 900, "serve_page.png"),
                                                 (390, 844, "serve_page_phone.png")])
def test_a_sentence_typed_in_comes_back_highlighted(server, browser, tmp_path, width, height,
                                                    name):
    browser.set_window_size(width, height)
    browser.get(server + "/")
    wait = WebDriverWait(browser, 60)
    wait.until(lambda b: b.find_element(By.ID, "model").get_attribute("value") == "software")
    browser.find_element(By.ID, "text").send_keys(SENTENCE)
    browser.find_element(By.ID, "extract").click()
    wait.until(shown.presence_of_element_located((By.CSS_SELECTOR, "mark.entity")))
    marks = {(m.get_attribute("data-label"), m.text.split("\n")[0])
             for m in browser.find_elements(By.CSS_SELECTOR, "mark.entity")}
    labels = {label for label, _ in marks}
    assert {"Application", "Version", "Developer"} <= labels
    tags = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "mark.entity .tag")]
    assert "Application" in tags  # the label stands beside the mention
    relations = browser.find_elements(By.CSS_SELECTOR, "ol.relations li")
    said = [r.text for r in relations]
    assert any("25 → Version_of → SPSS" == s for s in said), said
    assert any("IBM → Developer_of → SPSS" == s for s in said), said
    version = next(r for r in relations if r.text.startswith("25 →"))
    version.click()
    focused = browser.find_elements(By.CSS_SELECTOR, "mark.entity.focus")
    assert sorted(m.get_attribute("data-label") for m in focused) == ["Application", "Version"]
    colours = {m.get_attribute("data-label"): m.value_of_css_property("background-color")
               for m in browser.find_elements(By.CSS_SELECTOR, "mark.entity")}
    assert colours["Application"] != colours["Version"]
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a {width}px window"
    browser.save_screenshot(str(shots(tmp_path) / name))


def test_an_error_is_shown_on_the_page(server, browser):
    browser.get(server + "/")
    WebDriverWait(browser, 60).until(
        lambda b: b.find_element(By.ID, "model").get_attribute("value") == "software")
    browser.find_element(By.ID, "extract").click()
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "error").text)
    assert "paste a text" in browser.find_element(By.ID, "error").text
