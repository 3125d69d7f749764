from django.urls import path, re_path

from . import views

# Every public page; iceinfo/urls.py serves them at / and again at /es/.
urlpatterns = [
    path("", views.home, name="home"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/<slug:slug>/", views.program_detail, name="program_detail"),
    path("programs/<slug:slug>/history/", views.program_history, name="program_history"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/<slug:slug>/", views.glossary_term, name="glossary_term"),
    path("faq/", views.faq, name="faq"),
    path("search/", views.site_search, name="search"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("sources/<slug:slug>/changes/", views.source_changes, name="source_changes"),
    path("resources/", views.resources, name="resources"),
    path("about/", views.about, name="about"),
]

# Files for machines, in one language only: no /es/ twin.
file_urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    re_path(r"^data/(?P<name>[a-z]+)\.(?P<fmt>json|csv)$", views.open_data, name="open_data"),
]
