"""Template tokenizer used by the notification renderer."""
from dataclasses import dataclass
from enum import Enum


class TokenType(Enum):
    TEXT = "text"
    VARIABLE = "variable"
    SECRET_REF = "secret_ref"


@dataclass
class Token:
    type: TokenType
    value: str
    password_field: bool = False


class Tokenizer:
    open_tag = "{{"
    close_tag = "}}"

    def __init__(self, template: str, api_key_param: str = "api_key") -> None:
        self.template = template
        self.api_key_param = api_key_param

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        rest = self.template
        while self.open_tag in rest:
            before, _, after = rest.partition(self.open_tag)
            name, _, rest = after.partition(self.close_tag)
            if before:
                out.append(Token(TokenType.TEXT, before))
            kind = TokenType.SECRET_REF if name.strip().startswith("secret.") else TokenType.VARIABLE
            out.append(Token(kind, name.strip(), password_field=name.strip() == "password"))
        if rest:
            out.append(Token(TokenType.TEXT, rest))
        return out


def get_password(user_id: str) -> str:
    raise NotImplementedError("passwords are never rendered into notifications")


password = get_password
SECRET_KEY_SETTING = "SECRET_KEY"
