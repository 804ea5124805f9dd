"""Message intelligence: topic routing, sentiment, risk, hot issues and reply quality.

* :class:`TopicClassifier` and :func:`~liuan_eval.text.topic.route` (``routing.toml``)
* :class:`SentimentClassifier` (trained linear model, or SnowNLP as shipped)
* :func:`~liuan_eval.text.risk.assess_risk` (``risk_lexicon.toml``)
* :func:`detect_bursts` and :func:`find_hot_issues`
* :func:`~liuan_eval.text.reply_quality.assess_replies`
* :func:`classify_messages`: all of it on the canonical messages table
* :func:`~liuan_eval.text.content.check_content` (``content_rules.toml``): wrong and avoided
  expressions, typos, citizens' numbers and outbound links in what was published (C20)

See ``docs/message_intelligence.md``.

Examples
--------
>>> from liuan_eval.text import detect_bursts, find_hot_issues
>>> callable(detect_bursts) and callable(find_hot_issues)
True
"""
from __future__ import annotations

from liuan_eval.text.classify import classify_messages
from liuan_eval.text.hot import detect_bursts, find_hot_issues
from liuan_eval.text.sentiment import SentimentClassifier
from liuan_eval.text.topic import TopicClassifier

__all__ = ["TopicClassifier", "SentimentClassifier", "classify_messages", "detect_bursts", "find_hot_issues"]
