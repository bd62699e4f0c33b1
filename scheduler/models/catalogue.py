"""Reference lists: subspecialties (what readers are skilled in) and modalities (CT, MR, ...)."""

from sqlmodel import Field, SQLModel


class SubspecialtyBase(SQLModel):
    code: str = Field(min_length=1, max_length=32, unique=True, index=True)  # neuro, msk, body, ...
    name: str = Field(min_length=1, max_length=200)


class Subspecialty(SubspecialtyBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class SubspecialtyCreate(SubspecialtyBase):
    pass


class SubspecialtyPublic(SubspecialtyBase):
    id: int


class ModalityBase(SQLModel):
    code: str = Field(min_length=1, max_length=16, unique=True, index=True)  # CT, MR, XR, ...
    name: str = Field(min_length=1, max_length=200)


class Modality(ModalityBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class ModalityCreate(ModalityBase):
    pass


class ModalityPublic(ModalityBase):
    id: int
