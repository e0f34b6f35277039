"""The emotion curve chart: both curves, the target line, the ratings beside each point, dips marked."""

import re

from journeys.selectors.personas import Curve, CurvePoint
from journeys.templatetags.persona_charts import DIP_COLOUR, emotion_curve_chart


def _curve(label, means, ratings, *, target=4.0, min_ratings=2):
    points = [
        CurvePoint(
            index,
            name,
            index,
            mean,
            count,
            count >= min_ratings,
            count >= min_ratings and mean is not None and mean < target,
        )
        for index, (name, mean, count) in enumerate(
            zip(["Order", "Install", "Settling in"], means, ratings, strict=True)
        )
    ]
    return Curve(label=label, segment=label.lower(), points=points, target=target)


def test_the_chart_draws_both_curves_the_target_and_each_point_with_its_ratings():
    overall = _curve("All customers", [4.5, 4.2, 3.9], [10, 10, 10])
    persona = _curve("First-timer", [4.8, 3.5, None], [4, 3, 0])

    svg = str(emotion_curve_chart(overall, persona))

    assert svg.count("<polyline") == 2  # the persona's line stops where it has no rating
    assert "target 4.0" in svg
    assert "4.8 · n=4" in svg
    assert "3.5 · n=3" in svg
    assert "Below the target: Install: 3.5 against a target of 4.0, 3 ratings." in svg  # the chart's description
    # the dip is the only red point: the overall curve's own low point is not the persona's dip
    assert len(re.findall(rf'<circle[^>]*fill="{DIP_COLOUR}"', svg)) == 1
    assert "Installation" not in svg
    assert ">Settling in<" in svg


def test_a_point_with_too_few_ratings_is_hollow_and_never_a_dip():
    overall = _curve("All customers", [4.5, 4.2, 3.9], [10, 10, 10])
    persona = _curve("First-timer", [4.8, 1.0, 4.0], [4, 1, 2])

    svg = str(emotion_curve_chart(overall, persona))

    assert 'fill="#ffffff"' in svg
    assert not re.search(rf'<circle[^>]*fill="{DIP_COLOUR}"', svg)
    assert "No stage with enough ratings falls below the target." in svg
