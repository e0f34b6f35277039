"""Forms of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------

from django import forms  # noqa: E402

from .models import Journey as _Journey  # noqa: E402


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="One row per interaction, UTF-8, with a header row. See the column list on this page.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    journey = forms.ModelChoiceField(
        queryset=_Journey.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any: the journey column of each row says",
        help_text="When chosen, the journey column may be left out, and every row must belong to this journey.",
    )

    def clean_file(self):
        from .ingest import import_size_problem

        upload = self.cleaned_data["file"]
        problem = import_size_problem(upload.size)
        if problem:
            raise forms.ValidationError(problem)
        return upload


# --- health --------------------------------------------------------------------------------------
