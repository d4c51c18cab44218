"""Glossary: every word the course uses, defined once; lessons link a word's first use here."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import streamlit as st

from lib.glossary import TERMS, slug

st.title("Glossary")
st.markdown("The words the course uses, in alphabetical order. Each lesson links a word's first use here.")
for term, definition in TERMS.items():
    st.subheader(term, anchor=slug(term))
    st.markdown(definition)
