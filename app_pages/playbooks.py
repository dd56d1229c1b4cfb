from analyzer.ui.playbooks import render

render()
