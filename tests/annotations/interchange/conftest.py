import pytest

from annotations import services


@pytest.fixture
def known(article, alice, bob, tag, claim_label, source_label, framing_label, link):
    """alice: a claim linked to a source (with attributes and a note) and a deleted tag;
    bob: a framing tag."""
    claim, source = link.from_annotation, link.to_annotation
    services.annotation_update(
        annotation=source, attributes={"identification": "anonymous"}, note="Unnamed.\nTwice?"
    )
    services.annotation_update(annotation=claim, attributes={"check-worthy": True})
    gone = tag(article, alice, framing_label, "terrorists")
    services.annotation_delete(annotation=gone)
    bobs = tag(article, bob, framing_label, "terrorists")
    return {"claim": claim, "source": source, "gone": gone, "bob": bobs}
