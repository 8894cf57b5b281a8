"""A changed story, campaign, board member or update changes the public pages."""

from crowdfund.content import changes_content
from prisoners.models import BoardMember, Campaign, Prisoner, Update

changes_content(Campaign, BoardMember, Prisoner, Update)
