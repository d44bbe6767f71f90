"""The bibliography: every paper engramlab rests on, once, by key.

Experiments, figures, the report and the README catalogue take their references from
here (:func:`cite`), so a paper has one text and one DOI everywhere. Keys are the first
author's surname and the year (``hopfield1982``), with a suffix where one author has two
papers in a year (``amit1985prl``, ``amit1985pra``).

>>> cite("song2000").short
'Song, Miller & Abbott 2000'
>>> cite("song2000").doi
'10.1038/78829'
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["BIBLIOGRAPHY", "Citation", "cite"]


@dataclasses.dataclass(frozen=True)
class Citation:
    """One paper: its key, a short form for tables, the full reference and its DOI.

    Parameters
    ----------
    key
        The bibliography key, e.g. ``"hopfield1982"``.
    short
        Authors and year as a reader cites them, e.g. ``"Hopfield 1982"``.
    text
        Authors, year, title, journal, volume and pages.
    doi
        The DOI without a resolver prefix (empty where the work has none).
    """

    key: str
    short: str
    text: str
    doi: str = ""

    def as_dict(self) -> dict[str, str]:
        """The citation as a JSON object."""
        return dataclasses.asdict(self)


def _papers(*entries: tuple[str, str, str, str]) -> Mapping[str, Citation]:
    out: dict[str, Citation] = {}
    for key, short, text, doi in entries:
        if key in out:
            raise ValueError(f"bibliography key {key!r} defined twice")
        out[key] = Citation(key, short, text, doi)
    return MappingProxyType(out)


#: Every paper, by key (read-only).
BIBLIOGRAPHY: Mapping[str, Citation] = _papers(
    (
        "ackley1985",
        "Ackley, Hinton & Sejnowski 1985",
        "D. H. Ackley, G. E. Hinton, T. J. Sejnowski (1985). A learning algorithm for Boltzmann machines. Cognitive Science 9(1):147-169.",
        "10.1207/s15516709cog0901_7",
    ),
    (
        "adams1982",
        "Adams 1982",
        "C. D. Adams (1982). Variations in the sensitivity of instrumental responding to reinforcer devaluation. Q. J. Exp. Psychol. B 34(2):77-98.",
        "10.1080/14640748208400878",
    ),
    (
        "almeida2007",
        "de Almeida, Idiart & Lisman 2007",
        "L. de Almeida, M. Idiart, J. E. Lisman (2007). Memory retrieval time and memory capacity of the CA3 network: role of gamma frequency oscillations. Learn. Mem. 14(11):795-806.",
        "10.1101/lm.730207",
    ),
    (
        "alvarez1994",
        "Alvarez & Squire 1994",
        "P. Alvarez, L. R. Squire (1994). Memory consolidation and the medial temporal lobe: a simple network model. PNAS 91(15):7041-7045.",
        "10.1073/pnas.91.15.7041",
    ),
    (
        "amit1985pra",
        "Amit, Gutfreund & Sompolinsky 1985a",
        "D. J. Amit, H. Gutfreund, H. Sompolinsky (1985). Spin-glass models of neural networks. Phys. Rev. A 32(2):1007-1018.",
        "10.1103/PhysRevA.32.1007",
    ),
    (
        "amit1985prl",
        "Amit, Gutfreund & Sompolinsky 1985",
        "D. J. Amit, H. Gutfreund, H. Sompolinsky (1985). Storing infinite numbers of patterns in a spin-glass model of neural networks. Phys. Rev. Lett. 55(14):1530-1533.",
        "10.1103/PhysRevLett.55.1530",
    ),
    (
        "amit1987",
        "Amit, Gutfreund & Sompolinsky 1987",
        "D. J. Amit, H. Gutfreund, H. Sompolinsky (1987). Statistical mechanics of neural networks near saturation. Annals of Physics 173(1):30-67.",
        "10.1016/0003-4916(87)90092-3",
    ),
    (
        "anagnostaras1999",
        "Anagnostaras, Maren & Fanselow 1999",
        "S. G. Anagnostaras, S. Maren, M. S. Fanselow (1999). Temporally graded retrograde amnesia of contextual fear after hippocampal damage in rats: within-subjects examination. J. Neurosci. 19(3):1106-1114.",
        "10.1523/JNEUROSCI.19-03-01106.1999",
    ),
    (
        "armbruster2007",
        "Armbruster et al. 2007",
        "B. N. Armbruster, X. Li, M. H. Pausch, S. Herlitze, B. L. Roth (2007). Evolving the lock to fit the key to create a family of G protein-coupled receptors potently activated by an inert ligand. Proc. Natl. Acad. Sci. USA 104(12):5163-5168.",
        "10.1073/pnas.0700293104",
    ),
    (
        "barnes1959",
        "Barnes & Underwood 1959",
        "J. M. Barnes, B. J. Underwood (1959). \"Fate\" of first-list associations in transfer theory. Journal of Experimental Psychology 58(2):97-105.",
        "10.1037/h0047507",
    ),
    (
        "beattie2000",
        "Beattie et al. 2000",
        "E. C. Beattie, R. C. Carroll, X. Yu, W. Morishita, H. Yasuda, M. von Zastrow, R. C. Malenka (2000). Regulation of AMPA receptor endocytosis by a signaling mechanism shared with LTD. Nature Neuroscience 3(12):1291-1300.",
        "10.1038/81823",
    ),
    (
        "becker1997",
        "Becker, Moscovitch, Behrmann & Joordens 1997",
        "S. Becker, M. Moscovitch, M. Behrmann, S. Joordens (1997). Long-term semantic priming: a computational account and empirical evidence. Journal of Experimental Psychology: Learning, Memory, and Cognition 23(5):1059-1082.",
        "10.1037/0278-7393.23.5.1059",
    ),
    (
        "bi1998",
        "Bi & Poo 1998",
        "G. Bi, M. Poo (1998). Synaptic modifications in cultured hippocampal neurons: dependence on spike timing, synaptic strength, and postsynaptic cell type. Journal of Neuroscience 18(24):10464-10472.",
        "10.1523/JNEUROSCI.18-24-10464.1998",
    ),
    (
        "bi2001",
        "Bi & Poo 2001",
        "G. Bi, M. Poo (2001). Synaptic modification by correlated activity: Hebb's postulate revisited. Annual Review of Neuroscience 24:139-166.",
        "10.1146/annurev.neuro.24.1.139",
    ),
    (
        "bienenstock1982",
        "Bienenstock, Cooper & Munro 1982",
        "E. L. Bienenstock, L. N. Cooper, P. W. Munro (1982). Theory for the development of neuron selectivity: orientation specificity and binocular interaction in visual cortex. Journal of Neuroscience 2(1):32-48.",
        "10.1523/JNEUROSCI.02-01-00032.1982",
    ),
    (
        "bouton1993",
        "Bouton 1993",
        "M. E. Bouton (1993). Context, time, and memory retrieval in the interference paradigms of Pavlovian learning. Psychol. Bull. 114(1):80-99.",
        "10.1037/0033-2909.114.1.80",
    ),
    (
        "brette2007",
        "Brette et al. 2007",
        "R. Brette, M. Rudolph, T. Carnevale, M. Hines, D. Beeman, J. M. Bower, M. Diesmann, A. Morrison, P. H. Goodman, F. C. Harris Jr, et al. (2007). Simulation of networks of spiking neurons: a review of tools and strategies. J. Comput. Neurosci. 23(3):349-398.",
        "10.1007/s10827-007-0038-6",
    ),
    (
        "bruck1990",
        "Bruck 1990",
        "J. Bruck (1990). On the convergence properties of the Hopfield model. Proceedings of the IEEE 78(10):1579-1585.",
        "10.1109/5.58341",
    ),
    (
        "brunel2000",
        "Brunel 2000",
        "N. Brunel (2000). Dynamics of sparsely connected networks of excitatory and inhibitory spiking neurons. J Comput Neurosci 8(3):183-208.",
        "10.1023/A:1008925309027",
    ),
    (
        "buckingham1993",
        "Buckingham & Willshaw 1993",
        "J. Buckingham, D. Willshaw (1993). On setting unit thresholds in an incompletely connected associative net. Network: Computation in Neural Systems 4(4):441-459.",
        "",
    ),
    (
        "bush1951",
        "Bush & Mosteller 1951",
        "R. R. Bush, F. Mosteller (1951). A mathematical model for simple learning. Psychol. Rev. 58(5):313-323.",
        "10.1037/h0054388",
    ),
    (
        "burkitt2006",
        "Burkitt 2006",
        "A. N. Burkitt (2006). A review of the integrate-and-fire neuron model: I. Homogeneous synaptic input. Biol. Cybern. 95(1):1-19.",
        "10.1007/s00422-006-0068-6",
    ),
    (
        "carvalho2021",
        "Carvalho et al. (ReScience replication)",
        "T. T. A. Carvalho, L. B. Domingos, R. O. Shimoura, N. L. Kamiji, V. L. Cordeiro, M. Copelli, A. C. Roque (2021). [Re] Context-dependent encoding of fear and extinction memories in a large-scale network model of the basal amygdala. ReScience replication; article and code: github.com/tawantayron/RE-Fear-and-extinction-in-a-BA-net-model.",
        "",
    ),
    (
        "castellani2001",
        "Castellani et al. 2001",
        "G. C. Castellani, E. M. Quinlan, L. N. Cooper, H. Z. Shouval (2001). A biophysical model of bidirectional synaptic plasticity: dependence on AMPA and NMDA receptors. PNAS 98(22):12772-12777.",
        "10.1073/pnas.201404598",
    ),
    (
        "clark2002",
        "Clark, Broadbent, Zola & Squire 2002",
        "R. E. Clark, N. J. Broadbent, S. M. Zola, L. R. Squire (2002). Anterograde amnesia and temporally graded retrograde amnesia for a nonspatial memory task after lesions of hippocampus and subiculum. J. Neurosci. 22(11):4663-4669.",
        "10.1523/JNEUROSCI.22-11-04663.2002",
    ),
    (
        "compte2000",
        "Compte, Brunel, Goldman-Rakic & Wang 2000",
        "A. Compte, N. Brunel, P. S. Goldman-Rakic, X.-J. Wang (2000). Synaptic mechanisms and network dynamics underlying spatial working memory in a cortical network model. Cereb. Cortex 10(9):910-923.",
        "10.1093/cercor/10.9.910",
    ),
    (
        "cowan2001",
        "Cowan 2001",
        "N. Cowan (2001). The magical number 4 in short-term memory: a reconsideration of mental storage capacity. Behav. Brain Sci. 24(1):87-114.",
        "10.1017/S0140525X01003922",
    ),
    (
        "clopath2008",
        "Clopath et al. 2008",
        "C. Clopath, L. Ziegler, E. Vasilaki, L. Büsing, W. Gerstner (2008). Tag-trigger-consolidation: a model of early and late long-term-potentiation and depression. PLoS Computational Biology 4(12):e1000248.",
        "10.1371/journal.pcbi.1000248",
    ),
    (
        "collins2014",
        "Collins & Frank 2014",
        "A. G. E. Collins, M. J. Frank (2014). Opponent actor learning (OpAL): modeling interactive effects of striatal dopamine on reinforcement learning and choice incentive. Psychol. Rev. 121(3):337-366.",
        "10.1037/a0037015",
    ),
    (
        "daw2005",
        "Daw, Niv & Dayan 2005",
        "N. D. Daw, Y. Niv, P. Dayan (2005). Uncertainty-based competition between prefrontal and dorsolateral striatal systems for behavioral control. Nat. Neurosci. 8(12):1704-1711.",
        "10.1038/nn1560",
    ),
    (
        "delcastillo1954",
        "del Castillo & Katz 1954",
        "J. del Castillo, B. Katz (1954). Quantal components of the end-plate potential. J. Physiol. 124(3):560-573.",
        "10.1113/jphysiol.1954.sp005129",
    ),
    (
        "demircigil2017",
        "Demircigil et al. 2017",
        "M. Demircigil, J. Heusel, M. Löwe, S. Upgang, F. Vermet (2017). On a model of associative memory with huge storage capacity. J. Stat. Phys. 168:288-299.",
        "10.1007/s10955-017-1806-y",
    ),
    (
        "derkach1999",
        "Derkach, Barria & Soderling 1999",
        "V. Derkach, A. Barria, T. R. Soderling (1999). Ca2+/calmodulin-kinase II enhances channel conductance of AMPA type glutamate receptors. PNAS 96(6):3269-3274.",
        "10.1073/pnas.96.6.3269",
    ),
    (
        "dickinson1983",
        "Dickinson, Nicholas & Adams 1983",
        "A. Dickinson, D. J. Nicholas, C. D. Adams (1983). The effect of the instrumental training contingency on susceptibility to reinforcer devaluation. Q. J. Exp. Psychol. B 35(1):35-51.",
        "10.1080/14640748308400912",
    ),
    (
        "dickinson1985",
        "Dickinson 1985",
        "A. Dickinson (1985). Actions and habits: the development of behavioural autonomy. Phil. Trans. R. Soc. Lond. B 308(1135):67-78.",
        "10.1098/rstb.1985.0010",
    ),
    (
        "dodge1967",
        "Dodge & Rahamimoff 1967",
        "F. A. Dodge Jr, R. Rahamimoff (1967). Co-operative action of calcium ions in transmitter release at the neuromuscular junction. J. Physiol. 193(2):419-432.",
        "10.1113/jphysiol.1967.sp008367",
    ),
    (
        "dudek1992",
        "Dudek & Bear 1992",
        "S. M. Dudek, M. F. Bear (1992). Homosynaptic long-term depression in area CA1 of hippocampus and effects of N-methyl-D-aspartate receptor blockade. PNAS 89(10):4363-4367.",
        "10.1073/pnas.89.10.4363",
    ),
    (
        "egostengel2010",
        "Ego-Stengel & Wilson 2010",
        "V. Ego-Stengel, M. A. Wilson (2010). Disruption of ripple-associated hippocampal activity during rest impairs spatial learning in the rat. Hippocampus 20(1):1-10.",
        "10.1002/hipo.20707",
    ),
    (
        "fourcaud2002",
        "Fourcaud & Brunel 2002",
        "N. Fourcaud, N. Brunel (2002). Dynamics of the firing probability of noisy integrate-and-fire neurons. Neural Comput 14(9):2057-2110.",
        "10.1162/089976602320264015",
    ),
    (
        "frey1988",
        "Frey et al. 1988",
        "U. Frey, M. Krug, K. G. Reymann, H. Matthies (1988). Anisomycin, an inhibitor of protein synthesis, blocks late phases of LTP phenomena in the hippocampal CA1 region in vitro. Brain Research 452:57-65.",
        "10.1016/0006-8993(88)90008-X",
    ),
    (
        "frey1997",
        "Frey & Morris 1997",
        "U. Frey, R. G. M. Morris (1997). Synaptic tagging and long-term potentiation. Nature 385:533-536.",
        "10.1038/385533a0",
    ),
    (
        "frey1998",
        "Frey & Morris 1998",
        "U. Frey, R. G. M. Morris (1998). Weak before strong: dissociating synaptic tagging and plasticity-factor accounts of late-LTP. Neuropharmacology 37(4-5):545-552.",
        "10.1016/S0028-3908(98)00040-9",
    ),
    (
        "gardner1988",
        "Gardner 1988",
        "E. Gardner (1988). The space of interactions in neural network models. J. Phys. A 21(1):257-270.",
        "10.1088/0305-4470/21/1/030",
    ),
    (
        "gerstner2014",
        "Gerstner et al. 2014",
        "W. Gerstner, W. M. Kistler, R. Naud, L. Paninski (2014). Neuronal Dynamics: From Single Neurons to Networks and Models of Cognition. Cambridge University Press, ch. 1.3 (eq. 1.11).",
        "10.1017/CBO9781107447615",
    ),
    (
        "girardeau2009",
        "Girardeau et al. 2009",
        "G. Girardeau, K. Benchenane, S. I. Wiener, G. Buzsáki, M. B. Zugaro (2009). Selective suppression of hippocampal ripples impairs spatial memory. Nature Neuroscience 12(10):1222-1223.",
        "10.1038/nn.2384",
    ),
    (
        "glauber1963",
        "Glauber 1963",
        "R. J. Glauber (1963). Time-dependent statistics of the Ising model. J. Math. Phys. 4(2):294-307.",
        "10.1063/1.1703954",
    ),
    (
        "goles1985",
        "Goles-Chacc, Fogelman-Soulie & Pellegrin 1985",
        "E. Goles-Chacc, F. Fogelman-Soulie, D. Pellegrin (1985). Decreasing energy functions as a tool for studying threshold networks. Discrete Applied Mathematics 12(3):261-277.",
        "10.1016/0166-218X(85)90029-0",
    ),
    (
        "golomb2007",
        "Golomb 2007",
        "D. Golomb (2007). Neuronal synchrony measures. Scholarpedia 2(1):1347.",
        "10.4249/scholarpedia.1347",
    ),
    (
        "govorunova2015",
        "Govorunova et al. 2015",
        "E. G. Govorunova, O. A. Sineshchekov, R. Janz, X. Liu, J. L. Spudich (2015). Natural light-gated anion channels: a family of microbial rhodopsins for advanced optogenetics. Science 349(6248):647-650.",
        "10.1126/science.aaa7484",
    ),
    (
        "gradinaru2010",
        "Gradinaru et al. 2010",
        "V. Gradinaru, F. Zhang, C. Ramakrishnan, J. Mattis, R. Prakash, I. Diester, I. Goshen, K. R. Thompson, K. Deisseroth (2010). Molecular and cellular approaches for diversifying and extending optogenetics. Cell 141(1):154-165.",
        "10.1016/j.cell.2010.02.037",
    ),
    (
        "graupner2012",
        "Graupner & Brunel 2012",
        "M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of synaptic changes to spike pattern, rate, and dendritic location. PNAS 109(10):3991-3996 (correction: PNAS 110(5):2031, 2013).",
        "10.1073/pnas.1109359109",
    ),
    (
        "han2011",
        "Han et al. 2011",
        "X. Han, B. Y. Chow, H. Zhou, N. C. Klapoetke, A. Chuong, R. Rajimehr, A. Yang, M. V. Baratta, J. Winkle, R. Desimone, E. S. Boyden (2011). A high-light sensitivity optical neural silencer: development and application to optogenetic control of non-human primate cortex. Front. Syst. Neurosci. 5:18.",
        "10.3389/fnsys.2011.00018",
    ),
    (
        "hasselmo1995",
        "Hasselmo, Schnell & Barkai 1995",
        "M. E. Hasselmo, E. Schnell, E. Barkai (1995). Dynamics of learning and recall at excitatory recurrent synapses and cholinergic modulation in rat hippocampal region CA3. J. Neurosci. 15(7):5249-5262.",
        "10.1523/JNEUROSCI.15-07-05249.1995",
    ),
    (
        "hayashi2000",
        "Hayashi et al. 2000",
        "Y. Hayashi, S.-H. Shi, J. A. Esteban, A. Piccini, J.-C. Poncer, R. Malinow (2000). Driving AMPA receptors into synapses by LTP and CaMKII: requirement for GluR1 and PDZ domain interaction. Science 287(5461):2262-2267.",
        "10.1126/science.287.5461.2262",
    ),
    (
        "hebb1949",
        "Hebb 1949",
        "D. O. Hebb (1949). The Organization of Behavior: A Neuropsychological Theory. Wiley, New York.",
        "",
    ),
    (
        "herry2008",
        "Herry et al. 2008",
        "C. Herry, S. Ciocchi, V. Senn, L. Demmou, C. Müller, A. Lüthi (2008). Switching on and off fear by distinct neuronal circuits. Nature 454(7204):600-606.",
        "10.1038/nature07166",
    ),
    (
        "hinton2002",
        "Hinton 2002",
        "G. E. Hinton (2002). Training products of experts by minimizing contrastive divergence. Neural Computation 14(8):1771-1800.",
        "10.1162/089976602760128018",
    ),
    (
        "hinton2010",
        "Hinton 2010",
        "G. E. Hinton (2010). A practical guide to training restricted Boltzmann machines. Technical report UTML TR 2010-003, University of Toronto.",
        "",
    ),
    (
        "hodgkin1952",
        "Hodgkin & Huxley 1952",
        "A. L. Hodgkin, A. F. Huxley (1952). A quantitative description of membrane current and its application to conduction and excitation in nerve. J. Physiol. 117(4):500-544.",
        "10.1113/jphysiol.1952.sp004764",
    ),
    (
        "hollerman1998",
        "Hollerman & Schultz 1998",
        "J. R. Hollerman, W. Schultz (1998). Dopamine neurons report an error in the temporal prediction of reward during learning. Nature Neuroscience 1(4):304-309.",
        "10.1038/1124",
    ),
    (
        "hopfield1982",
        "Hopfield 1982",
        "J. J. Hopfield (1982). Neural networks and physical systems with emergent collective computational abilities. PNAS 79(8):2554-2558.",
        "10.1073/pnas.79.8.2554",
    ),
    (
        "intrator1992",
        "Intrator & Cooper 1992",
        "N. Intrator, L. N. Cooper (1992). Objective function formulation of the BCM theory of visual cortical plasticity: statistical connections, stability conditions. Neural Networks 5(1):3-17.",
        "10.1016/S0893-6080(05)80003-6",
    ),
    (
        "jahr1990",
        "Jahr & Stevens 1990",
        "C. E. Jahr, C. F. Stevens (1990). Voltage dependence of NMDA-activated macroscopic conductances predicted by single-channel kinetics. J. Neurosci. 10(9):3178-3182.",
        "10.1523/JNEUROSCI.10-09-03178.1990",
    ),
    (
        "jensen1998",
        "Jensen & Lisman 1998",
        "O. Jensen, J. E. Lisman (1998). An oscillatory short-term memory buffer model can account for data on the Sternberg task. J. Neurosci. 18(24):10688-10699.",
        "10.1523/JNEUROSCI.18-24-10688.1998",
    ),
    (
        "kali2004",
        "Káli & Dayan 2004",
        "S. Káli, P. Dayan (2004). Off-line replay maintains declarative memories in a model of hippocampal-neocortical interactions. Nature Neuroscience 7(3):286-294.",
        "10.1038/nn1202",
    ),
    (
        "kamin1969",
        "Kamin 1969",
        "L. J. Kamin (1969). Predictability, surprise, attention, and conditioning. In B. A. Campbell & R. M. Church (eds.), Punishment and Aversive Behavior, pp. 279-296. New York: Appleton-Century-Crofts.",
        "",
    ),
    (
        "kanter1987",
        "Kanter & Sompolinsky 1987",
        "I. Kanter, H. Sompolinsky (1987). Associative recall of memory without errors. Phys. Rev. A 35(1):380-392.",
        "10.1103/PhysRevA.35.380",
    ),
    (
        "keramati2011",
        "Keramati, Dezfouli & Piray 2011",
        "M. Keramati, A. Dezfouli, P. Piray (2011). Speed/accuracy trade-off between the habitual and the goal-directed processes. PLoS Comput. Biol. 7(5):e1002055.",
        "10.1371/journal.pcbi.1002055",
    ),
    (
        "kassardjian2005",
        "Kassardjian et al. 2005",
        "C. D. Kassardjian, Y.-F. Tan, J.-Y. J. Chiu, R. Heskin, R. J. Cox, J. Broussard, D. M. Broussard (2005). The site of a motor memory shifts with consolidation. Journal of Neuroscience 25(35):7979-7985.",
        "10.1523/JNEUROSCI.2215-05.2005",
    ),
    (
        "kim1992",
        "Kim & Fanselow 1992",
        "J. J. Kim, M. S. Fanselow (1992). Modality-specific retrograde amnesia of fear. Science 256(5057):675-677.",
        "10.1126/science.1585183",
    ),
    (
        "kohonen1972",
        "Kohonen 1972",
        "T. Kohonen (1972). Correlation matrix memories. IEEE Transactions on Computers C-21(4):353-359.",
        "10.1109/TC.1972.5008975",
    ),
    (
        "kosko1988",
        "Kosko 1988",
        "B. Kosko (1988). Bidirectional associative memories. IEEE Transactions on Systems, Man, and Cybernetics 18(1):49-60.",
        "10.1109/21.87054",
    ),
    (
        "krotov2016",
        "Krotov & Hopfield 2016",
        "D. Krotov, J. J. Hopfield (2016). Dense associative memory for pattern recognition. Advances in Neural Information Processing Systems 29 (NeurIPS 2016), 1172-1180. arXiv:1606.01164.",
        "10.48550/arXiv.1606.01164",
    ),
    (
        "liu2012",
        "Liu et al. 2012",
        "X. Liu, S. Ramirez, P. T. Pang, C. B. Puryear, A. Govindarajan, K. Deisseroth, S. Tonegawa (2012). Optogenetic stimulation of a hippocampal engram activates fear memory recall. Nature 484(7394):381-385.",
        "10.1038/nature11028",
    ),
    (
        "lisman1995",
        "Lisman & Idiart 1995",
        "J. E. Lisman, M. A. P. Idiart (1995). Storage of 7 +/- 2 short-term memories in oscillatory subcycles. Science 267(5203):1512-1515.",
        "10.1126/science.7878473",
    ),
    (
        "luck1997",
        "Luck & Vogel 1997",
        "S. J. Luck, E. K. Vogel (1997). The capacity of visual working memory for features and conjunctions. Nature 390(6657):279-281.",
        "10.1038/36846",
    ),
    (
        "manvich2018",
        "Manvich et al. 2018",
        "D. F. Manvich, K. A. Webster, S. L. Foster, M. S. Farrell, J. C. Ritchie, J. H. Porter, D. Weinshenker (2018). The DREADD agonist clozapine N-oxide (CNO) is reverse-metabolized to clozapine and produces clozapine-like interoceptive stimulus effects in rats and mice. Sci. Rep. 8:3840.",
        "10.1038/s41598-018-22116-z",
    ),
    (
        "markram1998",
        "Markram, Wang & Tsodyks 1998",
        "H. Markram, Y. Wang, M. Tsodyks (1998). Differential signaling via the same axon of neocortical pyramidal neurons. PNAS 95(9):5323-5328.",
        "10.1073/pnas.95.9.5323",
    ),
    (
        "marr1971",
        "Marr 1971",
        "D. Marr (1971). Simple memory: a theory for archicortex. Phil. Trans. R. Soc. Lond. B 262(841):23-81.",
        "10.1098/rstb.1971.0078",
    ),
    (
        "mayer1984",
        "Mayer, Westbrook & Guthrie 1984",
        "M. L. Mayer, G. L. Westbrook, P. B. Guthrie (1984). Voltage-dependent block by Mg2+ of NMDA responses in spinal cord neurones. Nature 309:261-263.",
        "10.1038/309261a0",
    ),
    (
        "mcclelland1995",
        "McClelland, McNaughton & O'Reilly 1995",
        "J. L. McClelland, B. L. McNaughton, R. C. O'Reilly (1995). Why there are complementary learning systems in the hippocampus and neocortex: insights from the successes and failures of connectionist models of learning and memory. Psychological Review 102(3):419-457.",
        "10.1037/0033-295X.102.3.419",
    ),
    (
        "medina1999",
        "Medina & Mauk 1999",
        "J. F. Medina, M. D. Mauk (1999). Simulations of cerebellar motor learning: computational analysis of plasticity at the mossy fiber to deep nucleus synapse. Journal of Neuroscience 19(16):7140-7151.",
        "10.1523/JNEUROSCI.19-16-07140.1999",
    ),
    (
        "medina2000",
        "Medina, Garcia, Nores, Taylor & Mauk 2000",
        "J. F. Medina, K. S. Garcia, W. L. Nores, N. M. Taylor, M. D. Mauk (2000). Timing mechanisms in the cerebellum: testing predictions of a large-scale computer simulation. Journal of Neuroscience 20(14):5516-5525.",
        "10.1523/JNEUROSCI.20-14-05516.2000",
    ),
    (
        "miles1981",
        "Miles & Lisberger 1981",
        "F. A. Miles, S. G. Lisberger (1981). Plasticity in the vestibulo-ocular reflex: a new hypothesis. Annual Review of Neuroscience 4:273-299.",
        "10.1146/annurev.ne.04.030181.001421",
    ),
    (
        "miller1996",
        "Miller, Erickson & Desimone 1996",
        "E. K. Miller, C. A. Erickson, R. Desimone (1996). Neural mechanisms of visual working memory in prefrontal cortex of the macaque. J. Neurosci. 16(16):5154-5167.",
        "10.1523/JNEUROSCI.16-16-05154.1996",
    ),
    (
        "millenson1977",
        "Millenson, Kehoe & Gormezano 1977",
        "J. R. Millenson, E. J. Kehoe, I. Gormezano (1977). Classical conditioning of the rabbit's nictitating membrane response under fixed and mixed CS-US intervals. Learning and Motivation 8(3):351-366.",
        "",
    ),
    (
        "mccloskey1989",
        "McCloskey & Cohen 1989",
        "M. McCloskey, N. J. Cohen (1989). Catastrophic interference in connectionist networks: the sequential learning problem. Psychology of Learning and Motivation 24:109-165.",
        "10.1016/S0079-7421(08)60536-8",
    ),
    (
        "mceliece1987",
        "McEliece et al. 1987",
        "R. J. McEliece, E. C. Posner, E. R. Rodemich, S. S. Venkatesh (1987). The capacity of the Hopfield associative memory. IEEE Trans. Inf. Theory 33(4):461-482.",
        "10.1109/TIT.1987.1057328",
    ),
    (
        "mongillo2008",
        "Mongillo, Barak & Tsodyks 2008",
        "G. Mongillo, O. Barak, M. Tsodyks (2008). Synaptic theory of working memory. Science 319(5869):1543-1546.",
        "10.1126/science.1150769",
    ),
    (
        "murray2014",
        "Murray, Anticevic, Gancsos, Ichinose, Corlett, Krystal & Wang 2014",
        "J. D. Murray, A. Anticevic, M. Gancsos, M. Ichinose, P. R. Corlett, J. H. Krystal, X.-J. Wang (2014). Linking microcircuit dysfunction to cognitive impairment: effects of disinhibition associated with schizophrenia in a cortical working memory model. Cereb. Cortex 24(4):859-872 (online 2012).",
        "10.1093/cercor/bhs370",
    ),
    (
        "montague1996",
        "Montague, Dayan & Sejnowski 1996",
        "P. R. Montague, P. Dayan, T. J. Sejnowski (1996). A framework for mesencephalic dopamine systems based on predictive Hebbian learning. Journal of Neuroscience 16(5):1936-1947.",
        "10.1523/JNEUROSCI.16-05-01936.1996",
    ),
    (
        "nagel2003",
        "Nagel et al. 2003",
        "G. Nagel, T. Szellas, W. Huhn, S. Kateriya, N. Adeishvili, P. Berthold, D. Ollig, P. Hegemann, E. Bamberg (2003). Channelrhodopsin-2, a directly light-gated cation-selective membrane channel. Proc. Natl. Acad. Sci. USA 100(24):13940-13945.",
        "10.1073/pnas.1936192100",
    ),
    (
        "newell1981",
        "Newell & Rosenbloom 1981",
        "A. Newell, P. S. Rosenbloom (1981). Mechanisms of skill acquisition and the law of practice. In J. R. Anderson (ed.), Cognitive Skills and Their Acquisition, pp. 1-55. Erlbaum.",
        "",
    ),
    (
        "nowak1984",
        "Nowak et al. 1984",
        "L. Nowak, P. Bregestovski, P. Ascher, A. Herbet, A. Prochiantz (1984). Magnesium gates glutamate-activated channels in mouse central neurones. Nature 307:462-465.",
        "10.1038/307462a0",
    ),
    (
        "oja1982",
        "Oja 1982",
        "E. Oja (1982). A simplified neuron model as a principal component analyzer. Journal of Mathematical Biology 15(3):267-273.",
        "10.1007/BF00275687",
    ),
    (
        "oreilly1994",
        "O'Reilly & McClelland 1994",
        "R. C. O'Reilly, J. L. McClelland (1994). Hippocampal conjunctive encoding, storage, and recall: avoiding a trade-off. Hippocampus 4(6):661-682.",
        "10.1002/hipo.450040605",
    ),
    (
        "page2000",
        "Page 2000",
        "M. Page (2000). Connectionist modelling in psychology: a localist manifesto. Behavioral and Brain Sciences 23(4):443-467.",
        "10.1017/S0140525X00003356",
    ),
    (
        "personnaz1985",
        "Personnaz, Guyon & Dreyfus 1985",
        "L. Personnaz, I. Guyon, G. Dreyfus (1985). Information storage and retrieval in spin-glass like neural networks. J. Physique Lettres 46(8):L359-L365.",
        "10.1051/jphyslet:01985004608035900",
    ),
    (
        "perrett1993",
        "Perrett, Ruiz & Mauk 1993",
        "S. P. Perrett, B. P. Ruiz, M. D. Mauk (1993). Cerebellar cortex lesions disrupt learning-dependent timing of conditioned eyelid responses. Journal of Neuroscience 13(4):1708-1718.",
        "10.1523/JNEUROSCI.13-04-01708.1993",
    ),
    (
        "pfister2006",
        "Pfister & Gerstner 2006",
        "J.-P. Pfister, W. Gerstner (2006). Triplets of spikes in a model of spike timing-dependent plasticity. Journal of Neuroscience 26(38):9673-9682.",
        "10.1523/JNEUROSCI.1425-06.2006",
    ),
    (
        "plaut1995",
        "Plaut 1995",
        "D. C. Plaut (1995). Semantic and associative priming in a distributed attractor network. Proceedings of the 17th Annual Conference of the Cognitive Science Society, pp. 37-42. Hillsdale, NJ: Lawrence Erlbaum Associates.",
        "",
    ),
    (
        "quirk2002",
        "Quirk 2002",
        "G. J. Quirk (2002). Memory for extinction of conditioned fear is long-lasting and persists following spontaneous recovery. Learn. Mem. 9(6):402-407.",
        "10.1101/lm.49602",
    ),
    (
        "ramsauer2021",
        "Ramsauer et al. 2021",
        "H. Ramsauer, B. Schäfl, J. Lehner, P. Seidl, M. Widrich, T. Adler, L. Gruber, M. Holzleitner, M. Pavlović, G. K. Sandve, V. Greiff, D. Kreil, M. Kopp, G. Klambauer, J. Brandstetter, S. Hochreiter (2021). Hopfield Networks is All You Need. International Conference on Learning Representations (ICLR 2021). arXiv:2008.02217.",
        "10.48550/arXiv.2008.02217",
    ),
    (
        "rasch2007",
        "Rasch et al. 2007",
        "B. Rasch, C. Büchel, S. Gais, J. Born (2007). Odor cues during slow-wave sleep prompt declarative memory consolidation. Science 315(5817):1426-1429.",
        "10.1126/science.1138581",
    ),
    (
        "reijmers2007",
        "Reijmers et al. 2007",
        "L. G. Reijmers, B. L. Perkins, N. Matsuo, M. Mayford (2007). Localization of a stable neural correlate of associative memory. Science 317(5842):1230-1233.",
        "10.1126/science.1143839",
    ),
    (
        "raymond1996",
        "Raymond, Lisberger & Mauk 1996",
        "J. L. Raymond, S. G. Lisberger, M. D. Mauk (1996). The cerebellum: a neuronal learning machine? Science 272(5265):1126-1131.",
        "10.1126/science.272.5265.1126",
    ),
    (
        "rescorla1969",
        "Rescorla 1969",
        "R. A. Rescorla (1969). Pavlovian conditioned inhibition. Psychol. Bull. 72(2):77-94.",
        "10.1037/h0027760",
    ),
    (
        "rescorla1972",
        "Rescorla & Wagner 1972",
        "R. A. Rescorla, A. R. Wagner (1972). A theory of Pavlovian conditioning: variations in the effectiveness of reinforcement and nonreinforcement. In A. H. Black & W. F. Prokasy (eds.), Classical Conditioning II: Current Research and Theory, pp. 64-99. New York: Appleton-Century-Crofts.",
        "",
    ),
    (
        "rescorla2004",
        "Rescorla 2004",
        "R. A. Rescorla (2004). Spontaneous recovery. Learn. Mem. 11(5):501-509.",
        "10.1101/lm.77504",
    ),
    (
        "rumelhart1986",
        "Rumelhart, McClelland & PDP Research Group 1986",
        "D. E. Rumelhart, J. L. McClelland and the PDP Research Group (1986). Parallel Distributed Processing, vol. 1, ch. 1 and ch. 3 (Hinton, McClelland & Rumelhart, Distributed representations). MIT Press.",
        "",
    ),
    (
        "sajikumar2004",
        "Sajikumar & Frey 2004",
        "S. Sajikumar, J. U. Frey (2004). Late-associativity, synaptic tagging, and the role of dopamine during LTP and LTD. Neurobiology of Learning and Memory 82(1):12-25.",
        "10.1016/j.nlm.2004.03.003",
    ),
    (
        "schonewille2011",
        "Schonewille et al. 2011",
        "M. Schonewille, Z. Gao, H.-J. Boele, M. F. Vinueza Veloz, W. E. Amerika, A. A. M. Simek, M. T. De Jeu, J. P. Steinberg, K. Takamiya, F. E. Hoebeek, D. J. Linden, R. L. Huganir, C. I. De Zeeuw (2011). Reevaluating the role of LTD in cerebellar motor learning. Neuron 70(1):43-50.",
        "10.1016/j.neuron.2011.02.044",
    ),
    (
        "schultz1997",
        "Schultz, Dayan & Montague 1997",
        "W. Schultz, P. Dayan, P. R. Montague (1997). A neural substrate of prediction and reward. Science 275(5306):1593-1599.",
        "10.1126/science.275.5306.1593",
    ),
    (
        "shouval2002",
        "Shouval, Bear & Cooper 2002",
        "H. Z. Shouval, M. F. Bear, L. N. Cooper (2002). A unified model of NMDA receptor-dependent bidirectional synaptic plasticity. PNAS 99(16):10831-10836.",
        "10.1073/pnas.152343099",
    ),
    (
        "sjostrom2001",
        "Sjöström et al. 2001",
        "P. J. Sjöström, G. G. Turrigiano, S. B. Nelson (2001). Rate, timing, and cooperativity jointly determine cortical synaptic plasticity. Neuron 32(6):1149-1164.",
        "10.1016/S0896-6273(01)00542-6",
    ),
    (
        "sompolinsky1986",
        "Sompolinsky 1986",
        "H. Sompolinsky (1986). Neural networks with nonlinear synapses and a static noise. Phys. Rev. A 34(3):2571-2574.",
        "10.1103/PhysRevA.34.2571",
    ),
    (
        "song2000",
        "Song, Miller & Abbott 2000",
        "S. Song, K. D. Miller, L. F. Abbott (2000). Competitive Hebbian learning through spike-timing-dependent synaptic plasticity. Nature Neuroscience 3(9):919-926.",
        "10.1038/78829",
    ),
    (
        "sternberg1966",
        "Sternberg 1966",
        "S. Sternberg (1966). High-speed scanning in human memory. Science 153(3736):652-654.",
        "10.1126/science.153.3736.652",
    ),
    (
        "storkey1997",
        "Storkey 1997",
        "A. J. Storkey (1997). Increasing the capacity of a Hopfield network without sacrificing functionality. ICANN'97, Lecture Notes in Computer Science 1327:451-456.",
        "10.1007/BFb0020196",
    ),
    (
        "storkey1999",
        "Storkey & Valabregue 1999",
        "A. J. Storkey, R. Valabregue (1999). The basins of attraction of a new Hopfield learning rule. Neural Networks 12(6):869-876.",
        "10.1016/S0893-6080(99)00038-6",
    ),
    (
        "sutton1990",
        "Sutton & Barto 1990",
        "R. S. Sutton, A. G. Barto (1990). Time-derivative models of Pavlovian reinforcement. In M. Gabriel, J. Moore (eds), Learning and Computational Neuroscience: Foundations of Adaptive Networks, pp. 497-539. Cambridge, MA: MIT Press.",
        "",
    ),
    (
        "teyler1986",
        "Teyler & DiScenna 1986",
        "T. J. Teyler, P. DiScenna (1986). The hippocampal memory indexing theory. Behav. Neurosci. 100(2):147-154.",
        "10.1037/0735-7044.100.2.147",
    ),
    (
        "teyler2007",
        "Teyler & Rudy 2007",
        "T. J. Teyler, J. W. Rudy (2007). The hippocampal indexing theory and episodic memory: updating the index. Hippocampus 17(12):1158-1169.",
        "10.1002/hipo.20350",
    ),
    (
        "tiddia2022",
        "Tiddia, Golosio, Fanti & Paolucci 2022",
        "G. Tiddia, B. Golosio, V. Fanti, P. S. Paolucci (2022). Simulations of working memory spiking networks driven by short-term plasticity. Front. Integr. Neurosci. 16:972055.",
        "10.3389/fnint.2022.972055",
    ),
    (
        "tsodyks1988",
        "Tsodyks & Feigel'man 1988",
        "M. V. Tsodyks, M. V. Feigel'man (1988). The enhanced storage capacity in neural networks with low activity level. Europhysics Letters 6(2):101-105.",
        "10.1209/0295-5075/6/2/002",
    ),
    (
        "tsodyks1997",
        "Tsodyks & Markram 1997",
        "M. V. Tsodyks, H. Markram (1997). The neural code between neocortical pyramidal neurons depends on neurotransmitter release probability. PNAS 94(2):719-723.",
        "10.1073/pnas.94.2.719",
    ),
    (
        "tsodyks1998",
        "Tsodyks, Pawelzik & Markram 1998",
        "M. Tsodyks, K. Pawelzik, H. Markram (1998). Neural networks with dynamic synapses. Neural Computation 10(4):821-835.",
        "10.1162/089976698300017502",
    ),
    (
        "tuckwell1988",
        "Tuckwell 1988",
        "H. C. Tuckwell (1988). Introduction to Theoretical Neurobiology, Vol. 2: Nonlinear and Stochastic Theories. Cambridge University Press.",
        "10.1017/CBO9780511623202",
    ),
    (
        "vlachos2011",
        "Vlachos, Herry, Lüthi, Aertsen & Kumar 2011",
        "I. Vlachos, C. Herry, A. Lüthi, A. Aertsen, A. Kumar (2011). Context-dependent encoding of fear and extinction memories in a large-scale network model of the basal amygdala. PLoS Comput. Biol. 7(3):e1001104.",
        "10.1371/journal.pcbi.1001104",
    ),
    (
        "vogels2005",
        "Vogels & Abbott 2005",
        "T. P. Vogels, L. F. Abbott (2005). Signal propagation and logic gating in networks of integrate-and-fire neurons. J Neurosci 25(46):10786-10795.",
        "10.1523/JNEUROSCI.3508-05.2005",
    ),
    (
        "wang1999",
        "Wang 1999",
        "X.-J. Wang (1999). Synaptic basis of cortical persistent activity: the importance of NMDA receptors to working memory. J. Neurosci. 19(21):9587-9603.",
        "10.1523/JNEUROSCI.19-21-09587.1999",
    ),
    (
        "wang2002",
        "Wang 2002",
        "X.-J. Wang (2002). Probabilistic decision making by slow reverberation in cortical circuits. Neuron 36(5):955-968.",
        "10.1016/S0896-6273(02)01092-9",
    ),
    (
        "wang2013",
        "Wang, Yang, Wang, Gamo, Jin, Mazer, Morrison, Wang, Krystal & Arnsten 2013",
        "M. Wang, Y. Yang, C.-J. Wang, N. J. Gamo, L. E. Jin, J. A. Mazer, J. H. Morrison, X.-J. Wang, J. H. Krystal, A. F. T. Arnsten (2013). NMDA receptors subserve persistent neuronal firing during working memory in dorsolateral prefrontal cortex. Neuron 77(4):736-749.",
        "10.1016/j.neuron.2012.12.032",
    ),
    (
        "wei2012",
        "Wei, Wang & Wang 2012",
        "Z. Wei, X.-J. Wang, D.-H. Wang (2012). From distributed resources to limited slots in multiple-item working memory: a spiking network model with normalization. J. Neurosci. 32(33):11228-11240.",
        "10.1523/JNEUROSCI.0735-12.2012",
    ),
    (
        "wimmer2014",
        "Wimmer, Nykamp, Constantinidis & Compte 2014",
        "K. Wimmer, D. Q. Nykamp, C. Constantinidis, A. Compte (2014). Bump attractor dynamics in prefrontal cortex explains behavioral precision in spatial working memory. Nat. Neurosci. 17(3):431-439.",
        "10.1038/nn.3645",
    ),
    (
        "funahashi1989",
        "Funahashi, Bruce & Goldman-Rakic 1989",
        "S. Funahashi, C. J. Bruce, P. S. Goldman-Rakic (1989). Mnemonic coding of visual space in the monkey's dorsolateral prefrontal cortex. J. Neurophysiol. 61(2):331-349.",
        "10.1152/jn.1989.61.2.331",
    ),
    (
        "willshaw1969",
        "Willshaw, Buneman & Longuet-Higgins 1969",
        "D. J. Willshaw, O. P. Buneman, H. C. Longuet-Higgins (1969). Non-holographic associative memory. Nature 222:960-962.",
        "10.1038/222960a0",
    ),
    (
        "wilson1994",
        "Wilson & McNaughton 1994",
        "M. A. Wilson, B. L. McNaughton (1994). Reactivation of hippocampal ensemble memories during sleep. Science 265(5172):676-679.",
        "10.1126/science.8036517",
    ),
    (
        "yamazaki2007",
        "Yamazaki & Tanaka 2007",
        "T. Yamazaki, S. Tanaka (2007). The cerebellum as a liquid state machine. Neural Networks 20(3):290-297.",
        "10.1016/j.neunet.2007.04.004",
    ),
    (
        "zolamorgan1990",
        "Zola-Morgan & Squire 1990",
        "S. Zola-Morgan, L. R. Squire (1990). The primate hippocampal formation: evidence for a time-limited role in memory storage. Science 250(4978):288-290.",
        "10.1126/science.2218534",
    ),
)


def cite(key: str) -> Citation:
    """The paper filed under ``key``; an unknown key names the closest ones.

    Raises
    ------
    KeyError
        If no paper has that key.
    """
    try:
        return BIBLIOGRAPHY[key]
    except KeyError:
        close = difflib.get_close_matches(key, list(BIBLIOGRAPHY), n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise KeyError(f"no paper {key!r} in the bibliography{hint}") from None
