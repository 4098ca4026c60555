"""The built-in block types, registered exactly as an extension registers its own.

The order below is the order of the studio's palette.
"""

from blocks.registry import REGISTRY
from blocks.types.choice import ChoiceBlock, ChoicesBlock, ConsentBlock, YesNoBlock
from blocks.types.commune import CommuneBlock
from blocks.types.content import ContentBlock
from blocks.types.date import DateBlock
from blocks.types.number import NumberBlock
from blocks.types.text import (EmailBlock, PhoneBlock, PostcodeBlock, TextareaBlock,
                               TextBlock)

BUILTIN_TYPES = (
    TextBlock, TextareaBlock, EmailBlock, PhoneBlock, NumberBlock, DateBlock,
    YesNoBlock, ChoiceBlock, ChoicesBlock, PostcodeBlock, CommuneBlock, ConsentBlock,
    ContentBlock,
)

for _block_type in BUILTIN_TYPES:
    REGISTRY.register(_block_type)
