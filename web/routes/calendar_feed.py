"""``/calendar/{token}.ics``: a radiologist's published shifts for calendar apps.

No session: calendar apps cannot sign in, so the secret token in the URL is the credential.
An unknown or revoked token is 404, the same answer as a URL that never existed.
"""

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from scheduler.ical import roster_to_ical
from scheduler.services.my_schedule import published_shifts, radiologist_for_token
from web.deps import SessionDep

router = APIRouter(tags=["calendar feed"])


@router.get("/calendar/{token}.ics")
def calendar_feed(session: SessionDep, token: str) -> Response:
    radiologist = radiologist_for_token(session=session, token=token)
    if radiologist is None or radiologist.id is None:
        raise HTTPException(status_code=404, detail="Not Found")
    body = roster_to_ical(
        published_shifts(session=session, radiologist_id=radiologist.id),
        calendar_name=f"Teleroster: {radiologist.name}",
    )
    return Response(
        content=body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'inline; filename="teleroster.ics"',
            "Cache-Control": "private, max-age=300",
            "X-Robots-Tag": "noindex",
        },
    )
