"""``orderdesk suggester_report``: the D2 suggester's accuracy on its labelled set."""

from django.core.management.base import BaseCommand

from orderdesk.leads import rules, suggester


class Command(BaseCommand):
    help = "Print the disposition suggester's accuracy per split and a confusion summary (D2)."

    def add_arguments(self, parser):
        parser.add_argument("--errors", action="store_true", help="list every wrong statement")

    def handle(self, *args, errors: bool, **options):
        rows = suggester.load_statements()
        for split in ("train", "test", "probe"):
            ev = suggester.evaluate(split, rows)
            if not ev.total:
                continue
            self.stdout.write(f"{split:6} {ev.correct:3}/{ev.total:<3} accuracy {ev.accuracy:.1%}")
            abstained = sum(1 for _, _, p in ev.errors if p is None)
            answered = ev.total - abstained
            if answered:
                self.stdout.write(
                    f"       no suggestion for {abstained}; precision when it suggests "
                    f"{ev.correct / answered:.1%}"
                )
            for label, (right, total) in ev.per_label().items():
                wrong = {
                    str(p): n for (lab, p), n in ev.confusion.items() if lab == label and p != lab
                }
                detail = ", ".join(f"{k} {v}" for k, v in sorted(wrong.items())) or "-"
                self.stdout.write(f"       {label:18} {right:2}/{total:<2}  mistaken for: {detail}")
            if errors:
                for text, label, predicted in ev.errors:
                    self.stdout.write(f"       ✗ {text!r}: {label} → {predicted}")
        for text, key in rules.DECISION_GUIDE:
            got = suggester.suggest(text)
            mark = "✓" if got.disposition == key else "✗"
            self.stdout.write(f"SOP §3 {mark} {text!r} → {got.disposition} ({got.confidence})")
