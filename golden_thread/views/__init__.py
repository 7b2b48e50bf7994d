"""Golden-thread pages. Thin: services hold every rule, selectors every read.

- briefings: the dashboards, writing, publishing and reading a briefing, the practice page;
- threads: what practices and Clinical Directors record on a thread (acknowledgements,
  actions, questions and answers, touches);
- about: "who we are".
"""
