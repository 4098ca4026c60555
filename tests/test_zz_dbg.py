import sys; sys.path.insert(0,'tests')
from test_studio_editor import People
from test_studio_editor_service import settings_form
def test_x(app):
    p=People(app); p.create(); s=p.studio("olga","aide-permis")
    a=s.copy().yaml; f=settings_form(s); print(f); s.post("service", f); b=s.copy().yaml
    import difflib; print("".join(difflib.unified_diff(a.splitlines(1),b.splitlines(1))))
