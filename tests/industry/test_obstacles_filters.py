"""The yes/no filters of the obstacle list show what was chosen (the dashboard links to them)."""
import re

import pytest


@pytest.mark.parametrize("value", ["true", "false"])
def test_a_yes_no_filter_shows_the_chosen_answer(staff_client, value):
    html = staff_client.get("/industry/obstacles/", {"overdue": value}).content.decode()
    select = re.search(r'<select name="overdue".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)" selected>', select) == [value]
    html = staff_client.get("/industry/obstacles/").content.decode()
    select = re.search(r'<select name="overdue".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)" selected>', select) == []  # "All", the first option, shows
