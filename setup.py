"""Install nasbench_cvpr: ``pip install -e .[tests]``."""
import os

from setuptools import find_packages, setup


def read_version() -> str:
    scope = {}
    with open(os.path.join('nasbench_cvpr', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


# Versions verified together on CPU with Python 3.11 (see README).
INSTALL_REQUIRES = [
    'torch>=2.0,<=2.14.1',
    'torchvision>=0.15,<=0.29.1',
    'mmengine==0.10.7',
    'mmcv-lite>=2.0.1,<=2.1.0',
    'mmpretrain==1.2.0',
    'mmrazor==1.0.0',
    'joblib>=1.0',  # imported by mmrazor without being declared
    'scipy>=1.10',
    'numpy>=1.24',
    'matplotlib>=3.7',
    'scikit-learn>=1.3',  # bundled digits data set of the demo
]

setup(
    name='nasbench_cvpr',
    version=read_version(),
    description='Plugin-based one-shot NAS for the CVPR 2021/2022 '
    'lightweight NAS challenge spaces, on the OpenMMLab stack',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['nasbench_cvpr', 'nasbench_cvpr.*']),
    python_requires='>=3.9',
    install_requires=INSTALL_REQUIRES,
    extras_require={'tests': ['pytest>=7', 'pytest-xdist>=3']},
    license='Apache-2.0',
)
